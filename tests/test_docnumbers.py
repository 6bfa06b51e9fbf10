"""Document numbers: every way people write one comes to one key."""

from search.lang.docnumbers import find_numbers, parse_number


def keys(text):
    return [n.key for n in find_numbers(text)]


def test_party_and_state_forms_in_running_text():
    text = "Căn cứ Nghị quyết số 05-NQ/TU ngày 02/7/2021, Chỉ thị 05-CT/TW và Nghị định 30/2020/NĐ-CP"
    assert keys(text) == ["5-nq/tu", "5-ct/tw", "30/2020/nd-cp"]
    first = find_numbers(text)[0]
    assert text[first.start:first.end] == "05-NQ/TU" and first.kind_name == "nghị quyết"


def test_state_form_without_year_and_issuer_with_hyphen():
    assert keys("Quyết định số 123/QĐ-UBND") == ["123/qd-ubnd"]
    assert keys("Số 12-NQ/ĐU-BCA") == ["12-nq/du-bca"]


def test_dates_and_ranges_are_not_numbers():
    assert keys("ngày 20-25/10, nhiệm kỳ 2020-2025, tỷ lệ 13,4%") == []


def test_typed_loosely():
    assert parse_number("05 NQ TU").key == "5-nq/tu"
    assert parse_number("5-nq/tu").key == "5-nq/tu"
    assert parse_number("15 2021 nq hdnd").key == "15/2021/nq-hdnd"
    assert parse_number("hội nghị") is None


def test_typed_in_part_names_every_number_it_agrees_with():
    full = parse_number("05-NQ/TU")
    for typed in ["NQ 05", "nq-05", "05-NQ", "nghị quyết 05", "Nghị quyết số 05", "nghi quyet so 5"]:
        n = parse_number(typed)
        assert n is not None and n.partial and n.names(full), typed
        assert not n.names(parse_number("05-CT/TW")) and not n.names(parse_number("06-NQ/TU")), typed
    assert not parse_number("05 NQ HU").names(full)
    # Another issuer, another number; a year must agree where it is typed.
    assert parse_number("15/NQ-HĐND").names(parse_number("15/2021/NQ-HĐND"))
    assert not parse_number("15/2020/NQ-HĐND").names(parse_number("15/2021/NQ-HĐND"))
    # "quy định" is QĐi or QYĐ: one type.
    assert parse_number("quy định 08").names(parse_number("08-QYĐ/TW"))


def test_a_types_name_before_a_whole_number_is_that_number():
    assert parse_number("nghị quyết 05-NQ/TU").key == "5-nq/tu"
    assert parse_number("Nghị quyết số: 15/2021/NQ-HĐND").key == "15/2021/nq-hdnd"
    assert parse_number('"05-NQ/TU"').key == "5-nq/tu"


def test_words_that_are_no_number():
    for typed in ["nghị quyết", "tinh uy 05", "hội nghị lần thứ 5", "quý 2", "2021", ""]:
        assert parse_number(typed) is None, typed
