from inspections.tests.factories import (  # noqa: F401
    head,
    housing,
    inspector,
    record,
    records,
    staff,
    task,
)
