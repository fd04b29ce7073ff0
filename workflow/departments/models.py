"""Departments (厅、局) that run calls in one installation: each with its officers and
leaders, its calls, its office code for document numbers and the agency name its notices
carry."""
from sqlalchemy import CheckConstraint, String, false
from sqlalchemy.orm import Mapped, mapped_column

from workflow.core.db import Base


class DepartmentLevel:
    PROVINCE = "province"
    CITY = "city"


LEVELS = (DepartmentLevel.PROVINCE, DepartmentLevel.CITY)


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (
        CheckConstraint("level IN ('province', 'city')", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(30))
    # The issuing-office code of its document numbers: 鲁科字〔2022〕154号. One series per
    # office code and year, so two departments never share one.
    office_code: Mapped[str] = mapped_column(String(12), unique=True)
    # The agency as printed on its notices: the red mark, the signature (and its seal).
    agency_name: Mapped[str] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(10), default=DepartmentLevel.PROVINCE)
    # core/regions.py: the province of a provincial department, the city of a city bureau.
    region_code: Mapped[str] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(default=True)
    # The department that runs the installation (the migration's first one): its officers
    # manage the departments and say which department an officer or leader works for.
    runs_installation: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<Department {self.office_code}>"
