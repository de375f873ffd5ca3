"""The award catalogue from shared/domain/commendation-rules.md, loaded once as data.

Administrators edit these rows afterwards; code never names an award.
"""

# code, Vietnamese name, English name, subject, decided by, decider, needs council vote
AWARDS = [
    (
        "lao-dong-tien-tien",
        "Lao động tiên tiến",
        "Advanced Worker",
        "individual",
        "body",
        "Thủ trưởng cơ quan",
        False,
    ),
    (
        "chien-si-thi-dua-co-so",
        "Chiến sĩ thi đua cơ sở",
        "Grassroots Emulation Fighter",
        "individual",
        "body",
        "Thủ trưởng cơ quan",
        True,
    ),
    (
        "tap-the-lao-dong-tien-tien",
        "Tập thể lao động tiên tiến",
        "Advanced Collective",
        "collective",
        "body",
        "Thủ trưởng cơ quan",
        False,
    ),
    (
        "giay-khen",
        "Giấy khen",
        "Certificate of Merit",
        "individual",
        "body",
        "Thủ trưởng cơ quan",
        False,
    ),
    (
        "tap-the-lao-dong-xuat-sac",
        "Tập thể lao động xuất sắc",
        "Excellent Collective",
        "collective",
        "upward",
        "Bộ trưởng Bộ Tư pháp",
        False,
    ),
    (
        "chien-si-thi-dua-nganh",
        "Chiến sĩ thi đua ngành Tư pháp",
        "Sector Emulation Fighter",
        "individual",
        "upward",
        "Bộ trưởng Bộ Tư pháp",
        True,
    ),
    (
        "co-thi-dua-nganh",
        "Cờ thi đua ngành Tư pháp",
        "Sector Emulation Flag",
        "collective",
        "upward",
        "Bộ trưởng Bộ Tư pháp",
        True,
    ),
    (
        "bang-khen-bo-truong",
        "Bằng khen của Bộ trưởng",
        "Minister's Certificate of Merit",
        "individual",
        "upward",
        "Bộ trưởng Bộ Tư pháp",
        False,
    ),
    (
        "bang-khen-chu-tich-tinh",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "Certificate of Merit of the Provincial Chairman",
        "individual",
        "upward",
        "Chủ tịch UBND tỉnh",
        False,
    ),
    (
        "co-thi-dua-tinh",
        "Cờ thi đua của UBND tỉnh",
        "Provincial Emulation Flag",
        "collective",
        "upward",
        "Chủ tịch UBND tỉnh",
        True,
    ),
    (
        "bang-khen-thu-tuong",
        "Bằng khen của Thủ tướng Chính phủ",
        "Prime Minister's Certificate of Merit",
        "individual",
        "upward",
        "Thủ tướng Chính phủ",
        False,
    ),
    (
        "co-thi-dua-chinh-phu",
        "Cờ thi đua của Chính phủ",
        "Government Emulation Flag",
        "collective",
        "upward",
        "Thủ tướng Chính phủ",
        True,
    ),
    (
        "chien-si-thi-dua-toan-quoc",
        "Chiến sĩ thi đua toàn quốc",
        "National Emulation Fighter",
        "individual",
        "upward",
        "Thủ tướng Chính phủ",
        True,
    ),
    (
        "huan-chuong-lao-dong",
        "Huân chương Lao động",
        "Labour Order",
        "individual",
        "upward",
        "Chủ tịch nước",
        False,
    ),
    (
        "anh-hung-lao-dong",
        "Anh hùng Lao động",
        "Labour Hero",
        "individual",
        "upward",
        "Chủ tịch nước",
        True,
    ),
]


# Dossier checklist per award (Law Art. 84; 98/2023 Art. 34): every award needs the
# proposal letter and the achievement report; voted awards also need the council
# minutes and the ballot result; emulation-fighter titles need the certificate.
def required_documents(code: str, needs_vote: bool) -> list[str]:
    docs = ["to_trinh", "bao_cao_thanh_tich"]
    if needs_vote:
        docs += ["bien_ban_hop", "ket_qua_bo_phieu"]
    if code.startswith("chien-si-thi-dua"):
        docs.append("chung_nhan")
    return docs


# Which family of rules judges each award (Award.eligibility); the others are judged by
# the common conditions only ("generic").
ELIGIBILITY = {
    "lao-dong-tien-tien": "ldtt",
    "chien-si-thi-dua-co-so": "cstdcs",
    "tap-the-lao-dong-tien-tien": "ttldtt",
    "tap-the-lao-dong-xuat-sac": "ttldxs",
    "chien-si-thi-dua-nganh": "cstd_sector",
    "chien-si-thi-dua-toan-quoc": "cstd_national",
    "bang-khen-bo-truong": "minister_certificate",
}


def eligibility_of(code: str) -> str:
    return ELIGIBILITY.get(code, "generic")


# Tiền thưởng, times the base salary (152/2025 Art. 50, as shared/domain/commendation-rules.md
# gives them). The domain file gives none for the certificates of merit (Giấy khen, Bằng
# khen), the provincial flag, the orders and the hero titles: left empty, an administrator
# sets them (a decision refuses an award without one).
BONUS_MULTIPLES = {
    "lao-dong-tien-tien": "0.3",
    "chien-si-thi-dua-co-so": "1.0",
    "chien-si-thi-dua-nganh": "3.0",
    "chien-si-thi-dua-toan-quoc": "4.5",
    "tap-the-lao-dong-tien-tien": "0.8",
    "tap-the-lao-dong-xuat-sac": "1.5",
    "co-thi-dua-nganh": "8.0",
    "co-thi-dua-chinh-phu": "12.0",
}


def load_catalogue(award_model) -> None:
    """Create or refresh the catalogue rows (used by the data migrations and test set-up)."""
    # The first catalogue migration's historical model predates Award.eligibility.
    has_family = any(f.name == "eligibility" for f in award_model._meta.get_fields())
    for code, name_vi, name_en, subject, decided_by, decider, vote in AWARDS:
        defaults = dict(
            name_vi=name_vi, name_en=name_en, subject=subject, decided_by=decided_by,
            decider_note=decider, requires_council_vote=vote,
            required_documents=required_documents(code, vote),
        )
        if has_family:
            defaults["eligibility"] = eligibility_of(code)
        if any(f.name == "bonus_multiple" for f in award_model._meta.get_fields()):
            defaults["bonus_multiple"] = BONUS_MULTIPLES.get(code)
        award_model.objects.update_or_create(code=code, defaults=defaults)
