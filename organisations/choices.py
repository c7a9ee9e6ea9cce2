from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Sector(models.TextChoices):
    """The line of supervision a department belongs to (its 系统)."""

    MARKET = "market", "市场监督管理"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    HOUSING = "housing", "住房和城乡建设"
    ECOLOGY = "ecology", "生态环境"
    TRANSPORT = "transport", "交通运输"
    AGRICULTURE = "agriculture", "农业农村"
    CULTURE_TOURISM = "culture_tourism", "文化和旅游"
    HEALTH = "health", "卫生健康"
    EMERGENCY = "emergency", "应急管理"
    WATER = "water", "水利"
    EDUCATION = "education", "教育"
    COMMERCE = "commerce", "商务"
    HUMAN_RESOURCES = "human_resources", "人力资源和社会保障"
    TAX = "tax", "税务"
    OTHER = "other", "其他"


class UnitKind(models.TextChoices):
    SECTION = "section", "股室"
    STATION = "station", "所"
    BRANCH = "branch", "乡镇分局"
    BRIGADE = "brigade", "执法大队/中队"
    OTHER = "other", "其他"
