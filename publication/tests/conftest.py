from inspections.tests.factories import (  # noqa: F401
    head,
    housing,
    inspector,
    record,
    records,
    staff,
    task,
)
from publication.tests.factories import leader, publication  # noqa: F401
