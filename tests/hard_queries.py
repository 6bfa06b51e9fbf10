"""Harder queries over seeds/, typed the way Vietnamese people type (issue 13).

FOR MEASURING, NOT FOR TUNING. `make bench-hard` (bench/hard_queries.py)
reports MRR@10 by kind for vnsearch, plain Whoosh and SQLite FTS5 from this
list. No test asserts that these queries are found (several kinds are being
built); tests/test_hard_queries.py only checks the list itself. Do not edit
a query or its wanted answer to make an engine look better: add new ones.

Each entry: (kind, query exactly as typed, wanted), where wanted lists the
acceptable answers as (doc_id prefix, paragraph number), paragraphs numbered
from 1 per document as the seeds index numbers them (junk lines dropped).
Paragraph ``None`` means any paragraph of that document: the query asks for
the document, and it is scored by the rank of that document's first hit.

Kinds:
- telex: typed with the input method off, Telex (s f r x j, aa aw ee oo ow
  uw dd, w), sometimes mixed with plain or accented words.
- vni: the same with VNI (tone digits 1-5, 6 = ^, 7 = horn, 8 = breve, 9 = đ),
  digits after the vowel or at the end of the word.
- typo: a letter dropped, doubled, swapped or wrong, on unaccented words.
- partial: some words accented, some not.
- numerals: digits or number words for Roman numerals and ordinals
  (khóa XIX, lần thứ tám, Quý II, Kỳ họp thứ 19).
- question: a question, with its question words and fillers.
- document: a province, a meeting, a term, a date: any paragraph of that
  document will do.
- iy: the other spelling of i/y (sĩ/sỹ, kĩ/kỹ, lí/lý, tỉ/tỷ, kỉ/kỷ).
"""

KINDS = ("telex", "vni", "typo", "partial", "numerals", "question", "document", "iy")

HARD_QUERIES = [
    # --- Telex leftovers ---------------------------------------------------
    ("telex", "phats trieenr beenf vuwngx caay chef", [("000", 6), ("000", 3)]),
    ("telex", "hooij nghij laanf thuws 31", [("002", 1)]),
    ("telex", "tinh giarn bieen chees", [("000", 10), ("003", 4)]),
    ("telex", "khu du lichj Hoof Nuis Coocs", [("000", 3)]),
    ("telex", "ddoongf chis Trinhj Vieetj Hungf", [("001", 3)]),
    ("telex", "chir thij soos 05-CT/TW", [("003", 4)]),
    ("telex", "giair ngaan voons ddaauf tuw coong duwj asn ODA", [("001", 11)]),
    ("telex", "phongf choongs lutj baox lux quets", [("004", 4)]),
    ("telex", "chuyeenr ddooir soos tinh thai nguyen", [("002", 4)]),
    ("telex", "Nghij quyeets Trung uwowng 4 khóa XII", [("003", 4)]),
    # --- VNI leftovers -----------------------------------------------------
    ("vni", "ho65i nghi5 la62n thu71 31", [("002", 1)]),
    ("vni", "pha1t trie63n be62n vu74ng ca6y che2", [("000", 6), ("000", 3)]),
    ("vni", "d9o62ng chi1 Tra62n Quo61c To3 chu3 tri2", [("000", 2), ("000", 1)]),
    ("vni", "tinh gian3 bien6 che61", [("000", 10), ("003", 4)]),
    ("vni", "chuye63n d9o63i so61", [("002", 4)]),
    ("vni", "du75 a1n ga6y o6 nhie64m mo6i tru7o72ng", [("000", 9)]),
    ("vni", "ho5c ngoa5i ngu74 vu2ng sa6u vu2ng xa", [("001", 10)]),
    ("vni", "xua61t kha63u 13,4 ty3 USD", [("001", 6)]),
    # --- Typos ---------------------------------------------------------------
    ("typo", "hoi ngih lan thu 31", [("002", 1)]),
    ("typo", "thai nguyn chuyen doi so", [("002", 4)]),
    ("typo", "ban thuong vu tinh yu chuan y", [("004", 2)]),
    ("typo", "ngiquyet trung uong 4 khoa XII", [("003", 4)]),
    ("typo", "tinh gian bien chee", [("000", 10), ("003", 4)]),
    ("typo", "phat trien ben vung cay chhe", [("000", 6), ("000", 3)]),
    ("typo", "dong chi Trinh Viet Hugn", [("001", 3)]),
    ("typo", "giai ngna von dau tu cong du an ODA", [("001", 11)]),
    ("typo", "khu du lihc Ho Nui Coc", [("000", 3)]),
    ("typo", "phong chong lut bao lu qeut sat lo dat", [("004", 4)]),
    # The misspelt word alone names the paragraph: the other words cannot carry it.
    ("typo", "KHVATCE", [("004", 2)]),
    ("typo", "Covdi", [("001", 5), ("001", 8), ("001", 11)]),
    ("typo", "de nhat dnah tra", [("000", 6)]),
    ("typo", "khu cong nghiep Diem Thuyy", [("004", 2)]),
    ("typo", "khnag chien chong thuc dna Phap", [("000", 10)]),
    # --- Partial accents -------------------------------------------------
    ("partial", "phát trien bền vung cây che", [("000", 6), ("000", 3)]),
    ("partial", "Trần Quoc Tỏ chu tri hoi nghi", [("000", 2), ("000", 1)]),
    ("partial", "dịch benh Covid-19 bùng phat lần thu tư", [("001", 5)]),
    ("partial", "tinh giản bien chế", [("000", 10), ("003", 4)]),
    ("partial", "sắp xep don vị hành chinh cấp xa", [("002", 4)]),
    ("partial", "quán triet Nghị quyet Đai hội Đảng bo tinh", [("004", 3), ("004", 1)]),
    ("partial", "công tác dân toc giai doan 2021-2026", [("001", 9)]),
    ("partial", "Dư an Nha may KHVATEC", [("004", 2)]),
    ("partial", "hoc ngoai ngữ học sinh vùng sau vung xa", [("001", 10)]),
    # --- Numerals --------------------------------------------------------
    ("numerals", "quy 1 nam 2024", [("002", 2)]),
    ("numerals", "quy 2 nam 2017", [("000", 3)]),
    ("numerals", "hoi nghi khoa 19 lan thu 9", [("000", None)]),
    ("numerals", "hoi nghi lan thu 8 nam 2017", [("003", 2)]),
    ("numerals", "lan thu tam khoa 20", [("001", 2)]),
    ("numerals", "Nghi quyet Trung uong 4 khoa 12", [("003", 4)]),
    ("numerals", "ky hop thu 19 HDND tinh khoa 14", [("002", 3)]),
    ("numerals", "ky hop thu muoi hai HDND tinh khoa 13", [("004", 2)]),
    ("numerals", "dai hoi dang bo tinh lan thu 20", [("004", 1), ("004", 3)]),
    ("numerals", "bau cu dai bieu Quoc hoi khoa 15", [("001", 8)]),
    ("numerals", "Bo Chinh tri khoa 10 quy che dan van", [("003", 4)]),
    # --- Questions -------------------------------------------------------
    ("question", "ai chủ trì hội nghị lần thứ 9", [("000", 2), ("000", 1)]),
    ("question", "tỉnh nào bàn về cây chè", [("000", 6), ("000", 3)]),
    ("question", "GRDP 6 tháng đầu năm 2021 tăng bao nhiêu", [("001", 6)]),
    ("question", "có bao nhiêu lượt ý kiến phát biểu thảo luận", [("001", 7)]),
    ("question", "xuất khẩu đạt bao nhiêu tỷ USD", [("001", 6)]),
    ("question", "chủ tịch UBND tỉnh năm 2021 là ai", [("001", 3)]),
    ("question", "ai là bí thư tỉnh ủy lạng sơn", [("003", 2)]),
    ("question", "có bao nhiêu trường hợp dương tính với SARS-CoV-2", [("001", 5)]),
    ("question", "kỳ họp thứ 18 HĐND tỉnh xem xét những nội dung gì", [("002", 4), ("002", 3)]),
    ("question", "làm thế nào để tháo gỡ khó khăn cho các dự án", [("000", 9)]),
    ("question", "6 tháng đầu năm kết nạp được bao nhiêu đảng viên", [("001", 6)]),
    ("question", "nhiệm vụ trọng tâm trong tháng 11 là gì", [("004", 3)]),
    # --- Documents -------------------------------------------------------
    ("document", "hội nghị tỉnh ủy lạng sơn", [("003", None)]),
    ("document", "lang son 2017", [("003", None)]),
    ("document", "hoi nghi lan thu 31", [("002", None)]),
    ("document", "thai nguyen 2024", [("002", None)]),
    ("document", "khóa XIX", [("000", None)]),
    ("document", "hội nghị BCH đảng bộ tỉnh thái nguyên tháng 7 năm 2021", [("001", None)]),
    ("document", "hoi nghi 6 thang dau nam 2021 thai nguyen", [("001", None)]),
    ("document", "hoi nghi BCH khoa 19 thai nguyen 2017", [("000", None)]),
    ("document", "thái nguyên tháng 11 năm 2020", [("004", None)]),
    ("document", "Ban Thường vụ Tỉnh ủy Thái Nguyên khóa XX năm 2020", [("004", None)]),
    # --- i/y variants ----------------------------------------------------
    ("iy", "Trần Sĩ Thanh", [("003", 2)]),
    ("iy", "đồng chí Trần Sĩ Thanh bí thư chủ trì", [("003", 2)]),
    ("iy", "thảo luận kĩ lưỡng căn cứ pháp lí", [("002", 4)]),
    ("iy", "kỉ luật kỉ cương hành chính", [("001", 11)]),
    ("iy", "kỉ niệm 70 năm ngày truyền thống lực lượng vũ trang", [("000", 10)]),
    ("iy", "tỉ lệ cử tri tham gia bầu cử", [("001", 6)]),
    ("iy", "huyện Đồng Hĩ Phú Lương", [("000", 10)]),
    ("iy", "xuất khẩu 13,4 tỉ USD", [("001", 6)]),
    ("iy", "quản lí tài nguyên và môi trường", [("003", 3)]),
    ("iy", "phân kì đầu tư hợp lí", [("000", 8)]),
    ("iy", "Đồng Hĩ", [("000", 10)]),
    ("iy", "kĩ lưỡng", [("002", 4)]),
]
