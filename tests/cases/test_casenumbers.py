import pytest

from cases.casenumbers import CaseNumberError, parse_case_number


@pytest.mark.parametrize(
    ("raw", "text", "court", "type_code", "serial", "category", "procedure"),
    [
        (
            "（2025）苏0505民初1234号",
            "（2025）苏0505民初1234号",
            "苏0505",
            "民初",
            1234,
            "civil",
            "first_instance",
        ),
        (
            "(2025)苏05民终88号",
            "（2025）苏05民终88号",
            "苏05",
            "民终",
            88,
            "civil",
            "second_instance",
        ),
        (
            " (2024) 苏0582执 7号 ",
            "（2024）苏0582执7号",
            "苏0582",
            "执",
            7,
            "enforcement",
            "enforcement",
        ),
        (
            "（2023）苏0506执恢12号",
            "（2023）苏0506执恢12号",
            "苏0506",
            "执恢",
            12,
            "enforcement",
            "enforcement_resumed",
        ),
        (
            "（2025）苏0505诉前调确3号",
            "（2025）苏0505诉前调确3号",
            "苏0505",
            "诉前调确",
            3,
            "civil",
            "pre_suit",
        ),
        (
            "（2022）最高法民申100号",
            "（2022）最高法民申100号",
            "最高法",
            "民申",
            100,
            "civil",
            "retrial_review",
        ),
        ("（2025）苏刑终5号", "（2025）苏刑终5号", "苏", "刑终", 5, "criminal", "second_instance"),
        (
            "（2025）苏05行再1号",
            "（2025）苏05行再1号",
            "苏05",
            "行再",
            1,
            "administrative",
            "retrial",
        ),
        (
            "（2025）苏0505破申2号",
            "（2025）苏0505破申2号",
            "苏0505",
            "破申",
            2,
            "bankruptcy",
            "special",
        ),
        (
            "（2025）苏0505民初007号",
            "（2025）苏0505民初7号",
            "苏0505",
            "民初",
            7,
            "civil",
            "first_instance",
        ),
    ],
)
def test_parse_valid_case_numbers(raw, text, court, type_code, serial, category, procedure):
    number = parse_case_number(raw)
    assert (number.text, number.court_code, number.type_code, number.serial) == (
        text,
        court,
        type_code,
        serial,
    )
    assert (number.category, number.procedure) == (category, procedure)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2025苏0505民初1234号",  # no brackets
        "（25）苏0505民初1234号",  # two-digit year
        "（2025）沪0505民初号",  # no serial
        "（2025）苏0505民初1234",  # no 号
        "（2025）苏050民初1234号",  # three digits after the province
        "（2025）XX0505民初1234号",  # not a province
        "（2025）苏0505民外1234号",  # unknown type code
        "（2025）苏0505民初0号",  # serial 0
        "（2025）苏0505民初123456789号",  # nine-digit serial
    ],
)
def test_parse_rejects_invalid_case_numbers(raw):
    with pytest.raises(CaseNumberError):
        parse_case_number(raw)
