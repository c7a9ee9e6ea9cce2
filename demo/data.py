"""The demo county: fictional places with valid-format 行政区划代码 (GB/T 2260 structure)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.choices import Role
from organisations.choices import RegionLevel, Sector, UnitKind

DEMO_PASSWORD = "Mingxi@2026"
# TOTP keys (hex, as django-otp stores them) of the demo administrators: printed by `manage.py demo_otp`, demo only.
DEMO_OTP_KEYS = {
    "sysadmin": "3132333435363738393031323334353637383930",
    "secadmin": "4142434445464748494a4b4c4d4e4f5051525354",
    "auditadmin": "6162636465666768696a6b6c6d6e6f7071727374",
}

REGIONS = [
    ("480000", "青岭省", RegionLevel.PROVINCE, None),
    ("480300", "云台市", RegionLevel.CITY, "480000"),
    ("480321", "明溪县", RegionLevel.COUNTY, "480300"),
    ("480322", "石门县", RegionLevel.COUNTY, "480300"),
]

# (code, name, short name, region, sector, parent code)
DEPARTMENTS = [
    (
        "DEMO-CITY-ZRZY",
        "云台市自然资源和规划局",
        "市自然资源和规划局",
        "480300",
        Sector.NATURAL_RESOURCES,
        None,
    ),
    ("DEMO-CITY-SCJG", "云台市市场监督管理局", "市市场监管局", "480300", Sector.MARKET, None),
    (
        "DEMO-MX-SCJG",
        "明溪县市场监督管理局",
        "县市场监管局",
        "480321",
        Sector.MARKET,
        "DEMO-CITY-SCJG",
    ),
    (
        "DEMO-MX-ZRZY",
        "明溪县自然资源局",
        "县自然资源局",
        "480321",
        Sector.NATURAL_RESOURCES,
        "DEMO-CITY-ZRZY",
    ),
    ("DEMO-MX-ZJ", "明溪县住房和城乡建设局", "县住建局", "480321", Sector.HOUSING, None),
    ("DEMO-MX-JT", "明溪县交通运输局", "县交通运输局", "480321", Sector.TRANSPORT, None),
    ("DEMO-MX-NY", "明溪县农业农村局", "县农业农村局", "480321", Sector.AGRICULTURE, None),
    ("DEMO-MX-WL", "明溪县文化和旅游局", "县文旅局", "480321", Sector.CULTURE_TOURISM, None),
    ("DEMO-MX-WJ", "明溪县卫生健康局", "县卫健局", "480321", Sector.HEALTH, None),
    ("DEMO-MX-YJ", "明溪县应急管理局", "县应急局", "480321", Sector.EMERGENCY, None),
    ("DEMO-MX-SL", "明溪县水利局", "县水利局", "480321", Sector.WATER, None),
    (
        "DEMO-SM-ZRZY",
        "石门县自然资源局",
        "石门县自然资源局",
        "480322",
        Sector.NATURAL_RESOURCES,
        "DEMO-CITY-ZRZY",
    ),
]

TOWNS = [("480321", "城关镇"), ("480321", "龙泉镇"), ("480321", "桃源乡"), ("480321", "青溪镇")]

# (department code, unit name, kind)
UNITS = [
    ("DEMO-MX-ZRZY", "政策法规股", UnitKind.SECTION),
    ("DEMO-MX-ZRZY", "执法监察大队", UnitKind.BRIGADE),
    ("DEMO-MX-ZRZY", "矿产资源管理股", UnitKind.SECTION),
    ("DEMO-MX-ZRZY", "测绘地理信息股", UnitKind.SECTION),
    ("DEMO-MX-ZRZY", "城关自然资源所", UnitKind.STATION),
    ("DEMO-MX-ZRZY", "龙泉自然资源所", UnitKind.STATION),
    ("DEMO-MX-SCJG", "信用监管股", UnitKind.SECTION),
    ("DEMO-MX-SCJG", "综合行政执法大队", UnitKind.BRIGADE),
    ("DEMO-MX-SCJG", "城关市场监管所", UnitKind.STATION),
    ("DEMO-MX-SCJG", "龙泉市场监管所", UnitKind.STATION),
    ("DEMO-MX-ZJ", "建筑市场监管股", UnitKind.SECTION),
    ("DEMO-MX-ZJ", "城建监察大队", UnitKind.BRIGADE),
    ("DEMO-MX-JT", "交通运输综合执法大队", UnitKind.BRIGADE),
    ("DEMO-MX-NY", "农业综合行政执法大队", UnitKind.BRIGADE),
    ("DEMO-MX-WL", "文化市场综合执法大队", UnitKind.BRIGADE),
    ("DEMO-MX-WJ", "卫生监督所", UnitKind.STATION),
    ("DEMO-MX-YJ", "应急管理综合执法大队", UnitKind.BRIGADE),
    ("DEMO-MX-SL", "水政监察大队", UnitKind.BRIGADE),
    ("DEMO-SM-ZRZY", "执法监察大队", UnitKind.BRIGADE),
]


@dataclass(frozen=True)
class ConferenceSpec:
    name: str
    region: str
    office: str
    members: list[str]


CONFERENCE = ConferenceSpec(
    name="明溪县市场监管领域部门联合“双随机、一公开”监管联席会议",
    region="480321",
    office="DEMO-MX-SCJG",
    members=[code for code, *_ in DEPARTMENTS if code.startswith("DEMO-MX-")],
)

# (username, full name, department code, unit name, roles, conference?)
USERS = [
    ("sysadmin", "赵立新", None, None, [Role.SYSTEM_ADMIN], False),
    ("secadmin", "钱安平", None, None, [Role.SECURITY_ADMIN], False),
    ("auditadmin", "孙审明", None, None, [Role.AUDIT_ADMIN], False),
    ("registry", "李名录", "DEMO-MX-ZRZY", "政策法规股", [Role.REGISTRY_MANAGER], False),
    ("staff", "周业务", "DEMO-MX-ZRZY", "执法监察大队", [Role.BUSINESS_STAFF], False),
    ("inspector", "吴检查", "DEMO-MX-ZRZY", "执法监察大队", [Role.INSPECTOR], False),
    ("inspector2", "郑执法", "DEMO-MX-ZRZY", "城关自然资源所", [Role.INSPECTOR], False),
    ("unithead", "王审核", "DEMO-MX-ZRZY", "执法监察大队", [Role.UNIT_HEAD], False),
    ("leader", "冯分管", "DEMO-MX-ZRZY", None, [Role.SUPERVISING_LEADER], False),
    ("office", "陈联办", "DEMO-MX-SCJG", "信用监管股", [Role.CONFERENCE_OFFICE], True),
    (
        "market",
        "褚市场",
        "DEMO-MX-SCJG",
        "信用监管股",
        [Role.BUSINESS_STAFF, Role.REGISTRY_MANAGER],
        False,
    ),
    (
        "housing",
        "卫住建",
        "DEMO-MX-ZJ",
        "建筑市场监管股",
        [Role.BUSINESS_STAFF, Role.REGISTRY_MANAGER],
        False,
    ),
    ("city", "蒋市局", "DEMO-CITY-ZRZY", None, [Role.BUSINESS_STAFF], False),
]
