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
