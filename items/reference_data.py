"""执法领域 loaded by a migration; administrators extend it later."""

# (code, name, sector)
ENFORCEMENT_AREAS = [
    ("land", "土地管理", "natural_resources"),
    ("mineral", "矿产资源", "natural_resources"),
    ("surveying", "测绘地理信息", "natural_resources"),
    ("planning", "城乡规划", "natural_resources"),
    ("market_general", "市场监管综合", "market"),
    ("food_safety", "食品安全", "market"),
    ("product_quality", "产品质量", "market"),
    ("special_equipment", "特种设备安全", "market"),
    ("construction", "建筑市场与工程质量", "housing"),
    ("real_estate", "房地产市场", "housing"),
    ("road_transport", "道路运输", "transport"),
    ("agriculture", "农业农村", "agriculture"),
    ("culture_market", "文化和旅游市场", "culture_tourism"),
    ("health", "卫生健康", "health"),
    ("work_safety", "安全生产", "emergency"),
    ("water", "水行政", "water"),
]
