"""Dates and time-zone names from CLDR (meetingsite.dates), and the meeting's local time
named in each language (Meeting.zone_label, Meeting.local_time_name)."""

import datetime

import pytest
from django.utils import translation

from delegations.models import Meeting
from meetingsite.dates import format_date_range, format_date_time, format_long_date, zone_city

FEB_15, FEB_16 = datetime.date(1996, 2, 15), datetime.date(1996, 2, 16)
# CLDR sets a span's dash between thin spaces (U+2009) in English and Chinese.


@pytest.mark.parametrize(
    ("language", "long", "span"),
    [
        ("en", "15 February 1996", "15\u2009–\u200916 February 1996"),
        ("fr", "15 février 1996", "15–16 février 1996"),
        ("es", "15 de febrero de 1996", "15–16 de febrero de 1996"),
        ("ru", "15 февраля 1996\u202fг.", "15—16 февраля 1996\u202fг."),
        ("zh-hans", "1996年2月15日", "1996年2月15日\u2009–\u200916日"),
        ("ar", "15 فبراير 1996", "15–16 فبراير 1996"),
    ],
)
def test_dates_as_each_language_writes_them(language, long, span):
    with translation.override(language):
        assert format_long_date(FEB_15, weekday=False) == long
        assert format_date_range(FEB_15, FEB_16) == span
        assert format_date_range(FEB_15, FEB_15) == long


def test_a_span_across_months_and_years_spells_the_months_out():
    with translation.override("en"):
        assert (
            format_date_range(FEB_15, datetime.date(1996, 3, 2))
            == "15 February\u2009–\u20092 March 1996"
        )
        assert format_date_range(FEB_15, datetime.date(1997, 1, 2)) == (
            "15 February 1996\u2009–\u20092 January 1997"
        )
    with translation.override("zh-hans"):
        assert (
            format_date_range(FEB_15, datetime.date(1996, 3, 2))
            == "1996年2月15日\u2009–\u20093月2日"
        )


def test_arabic_dates_and_times_use_the_arabic_comma():
    moment = datetime.datetime(1996, 2, 15, 10, 5)
    with translation.override("ar"):
        assert format_long_date(FEB_15) == "الخميس، 15 فبراير 1996"
        assert format_date_time(moment) == "15 فبراير 1996، 10:05"
        assert "," not in format_long_date(FEB_15) + format_date_time(moment)
    with translation.override("en"):
        assert format_date_time(moment) == "15 February 1996, 10:05"
    assert format_long_date(None) == "" and format_date_time(None) == ""


@pytest.mark.parametrize(
    ("language", "label", "name"),
    [
        ("en", "New York", "New York time"),
        ("fr", "New York", "heure de New York"),
        ("es", "Nueva York", "Hora de Nueva York"),
        ("ru", "Нью-Йорк", "Местное время (Нью-Йорк)"),
        ("zh-hans", "纽约", "纽约时间"),
        ("ar", "نيويورك", "بتوقيت نيويورك"),
    ],
)
def test_new_york_is_named_in_each_language(language, label, name):
    meeting = Meeting(city="New York", time_zone="America/New_York")
    with translation.override(language):
        assert meeting.zone_label == label
        assert meeting.local_time_name == name


def test_the_meetings_own_city_wins_and_an_empty_one_takes_cldrs():
    geneva = Meeting(city="Geneva", time_zone="Europe/Zurich")
    no_city = Meeting(city="", time_zone="Europe/Zurich")
    with translation.override("ar"):
        assert geneva.zone_label == "Geneva"  # the meeting's word, until translated
        assert no_city.zone_label == "زيورخ"
        assert zone_city("Asia/Tokyo") == "طوكيو"
    with translation.override("en"):
        assert no_city.local_time_name == "Zurich time"
        assert zone_city("Etc/GMT+5") == "GMT+5"  # no city: the tz database's name


@pytest.mark.parametrize(("language", "separator"), [("en", ", "), ("ar", "، "), ("zh-hans", " ")])
def test_a_date_and_a_time_are_joined_as_the_language_does(language, separator):
    from meetingsite.dates import date_time_separator

    with translation.override(language):
        assert date_time_separator() == separator
