/* date: the proleptic Gregorian calendar as day numbers (days since
 * 1970-01-01), months as month numbers (year * 12 + month - 1), and the
 * four date formats of program.ini. Pure functions, no allocation. */
#ifndef REVIEWPACK_DATE_H
#define REVIEWPACK_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t day_t;
#define DAY_NONE INT32_MIN

enum date_format { DATE_ISO, DATE_MDY, DATE_DMY_SLASH, DATE_DMY_DOT };

bool date_is_leap(int year);
int date_days_in_month(int year, int month);          /* month 1..12 */
/* Day number of year-month-day; the date must be valid. */
day_t date_from_ymd(int year, int month, int day);
void date_to_ymd(day_t d, int *year, int *month, int *day);
/* Parse s (exactly, no spaces) in format f; false when not a real date. */
bool date_parse(const char *s, enum date_format f, day_t *out);
/* Parse a date_format name ("YYYY-MM-DD", "MM/DD/YYYY", ...). */
bool date_format_parse(const char *s, enum date_format *out);
/* Write d as YYYY-MM-DD into out (at least 11 bytes). */
void date_format_iso(day_t d, char out[11]);

/* Months: m = year * 12 + (month - 1). */
int month_of_day(day_t d);
day_t month_first_day(int m);
day_t month_last_day(int m);
bool month_parse(const char *s, int *out);            /* "YYYY-MM" */
void month_format(int m, char out[8]);                /* "YYYY-MM" */
/* "October 2026" and "Oct 2026" (English). */
const char *month_name(int month1to12);
const char *month_abbr(int month1to12);

#endif
