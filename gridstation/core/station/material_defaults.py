"""The 材料清单 of the four built-in services, as a new station (or one upgraded to version 5) starts.

Keyed by the services' codes (``catalog.UNEMPLOYMENT`` …), written out here so the schema step can use
them without importing the catalogue. A station edits them in the service dialog afterwards.
"""

from __future__ import annotations


def _d(name: str, form: str = "原件", count: int = 1, *, later: bool = False, source: str = "") -> dict:
    return {"name": name, "form": form, "count": count, "later": later, "source": source}


DEFAULT_MATERIALS: dict[str, list[dict]] = {
    "unemployment": [
        _d("居民身份证"),
        _d("户口簿", "复印件"),
        _d("解除或终止劳动合同证明", later=True, source="原用人单位人事部门"),
        _d("近期一寸免冠照片", "原件", 2, later=True, source="照相馆"),
    ],
    "pension_cert": [
        _d("居民身份证"),
        _d("社会保障卡", later=True, source="社保卡服务网点或合作银行"),
    ],
    "wage_claim": [
        _d("居民身份证"),
        _d("劳动合同或用工证明", "复印件", source="用人单位，或工友证言、工牌、考勤记录"),
        _d("工资欠条或工资条", "复印件", later=True, source="用人单位财务，或银行流水"),
    ],
    "subsidy_4050": [
        _d("居民身份证"),
        _d("就业失业登记证"),
        _d("灵活就业社会保险缴费凭证", "复印件", later=True, source="社保经办机构或电子税务局"),
        _d("银行卡", "复印件", later=True, source="开户银行"),
    ],
}
