//! How English writes numbers, dates, weekdays and schedules (`format.*`):
//! ISO dates and a 24-hour clock, as the CLI and the sheet always have. A
//! locale file gives its own from CLDR's patterns (`{day}.{month}.{year}`
//! in German); `format.time` may use `{hour12}` and `{day_period}`.

pub(super) const TEXTS: &[(&str, &str)] = &[
    ("format.number.digits", "0123456789"),
    ("format.number.group", ","),
    ("format.number.min_grouping", "1"),
    ("format.date", "{year}-{month}-{day}"),
    ("format.time", "{hour}:{minute}"),
    ("format.time.am", "AM"),
    ("format.time.pm", "PM"),
    ("format.datetime", "{date} {time}"),
    ("format.weekday_date", "{weekday} {date}"),
    ("format.weekday.monday", "Monday"),
    ("format.weekday.tuesday", "Tuesday"),
    ("format.weekday.wednesday", "Wednesday"),
    ("format.weekday.thursday", "Thursday"),
    ("format.weekday.friday", "Friday"),
    ("format.weekday.saturday", "Saturday"),
    ("format.weekday.sunday", "Sunday"),
    ("format.weekday_short.monday", "Mon"),
    ("format.weekday_short.tuesday", "Tue"),
    ("format.weekday_short.wednesday", "Wed"),
    ("format.weekday_short.thursday", "Thu"),
    ("format.weekday_short.friday", "Fri"),
    ("format.weekday_short.saturday", "Sat"),
    ("format.weekday_short.sunday", "Sun"),
    ("format.days.range", "{first}–{last}"),
    ("format.list.separator", ", "),
    ("format.schedule.every_day", "every day"),
    ("format.schedule.all_day", "{days} all day"),
    ("format.schedule.hours", "{days} {from}–{to}"),
];
