"""The task book (建设任务书) of an approved center: drafted by its lead unit from the
application's targets, reviewed by the city and the department, signed by both, frozen."""
