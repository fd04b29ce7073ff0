"""Annual reports (年度报告): the department's reporting rounds and each center's report
against its task book, reviewed by the city, then the department."""
