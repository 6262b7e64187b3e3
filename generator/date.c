/* date: calendar arithmetic on day numbers (days since 1970-01-01) and
 * parsing of the four accepted date formats. Refuses dates that are not
 * real (2026-02-29, 2026-13-01) and any text around the digits. */
#include "date.h"

#include <stdio.h>
#include <string.h>

bool date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && date_is_leap(y))
		return 29;
	return days[m - 1];
}

/* Howard Hinnant's days_from_civil algorithm (public-domain arithmetic). */
day_t date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (day_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(day_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int dd = doy - (153 * mp + 2) / 5 + 1;
	int mm = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (mm <= 2);
	*m = mm;
	*d = dd;
}

/* Read exactly n digits at s into *v. */
static bool digits(const char *s, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

bool date_parse(const char *s, enum date_format f, day_t *out)
{
	int y, m, d;
	if (strlen(s) != 10)
		return false;
	switch (f) {
	case DATE_ISO:
		if (s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
		    !digits(s + 8, 2, &d))
			return false;
		break;
	case DATE_MDY:
		if (s[2] != '/' || s[5] != '/' || !digits(s, 2, &m) || !digits(s + 3, 2, &d) ||
		    !digits(s + 6, 4, &y))
			return false;
		break;
	case DATE_DMY_SLASH:
	case DATE_DMY_DOT: {
		char sep = f == DATE_DMY_SLASH ? '/' : '.';
		if (s[2] != sep || s[5] != sep || !digits(s, 2, &d) || !digits(s + 3, 2, &m) ||
		    !digits(s + 6, 4, &y))
			return false;
		break;
	}
	default:
		return false;
	}
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
}

bool date_format_parse(const char *s, enum date_format *out)
{
	static const struct { const char *name; enum date_format f; } names[] = {
		{"YYYY-MM-DD", DATE_ISO},
		{"MM/DD/YYYY", DATE_MDY},
		{"DD/MM/YYYY", DATE_DMY_SLASH},
		{"DD.MM.YYYY", DATE_DMY_DOT},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].f;
			return true;
		}
	return false;
}

void date_format_iso(day_t d, char out[11])
{
	int y, m, dd;
	date_to_ymd(d, &y, &m, &dd);
	unsigned yy = (unsigned)y % 10000u, mm = (unsigned)m % 100u, d2 = (unsigned)dd % 100u;
	snprintf(out, 11, "%04u-%02u-%02u", yy, mm, d2);
}

int month_of_day(day_t d)
{
	int y, m, dd;
	date_to_ymd(d, &y, &m, &dd);
	return y * 12 + m - 1;
}

day_t month_first_day(int m)
{
	return date_from_ymd(m / 12, m % 12 + 1, 1);
}

day_t month_last_day(int m)
{
	int y = m / 12, mm = m % 12 + 1;
	return date_from_ymd(y, mm, date_days_in_month(y, mm));
}

bool month_parse(const char *s, int *out)
{
	int y, m;
	if (strlen(s) != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) || y < 1 ||
	    m < 1 || m > 12)
		return false;
	*out = y * 12 + m - 1;
	return true;
}

void month_format(int m, char out[8])
{
	unsigned y = (unsigned)(m / 12) % 10000u, mm = (unsigned)(m % 12 + 1) % 100u;
	snprintf(out, 8, "%04u-%02u", y, mm);
}

static const char *names[] = {"January", "February", "March",     "April",   "May",      "June",
			      "July",    "August",   "September", "October", "November", "December"};

const char *month_name(int m)
{
	return names[(m - 1) % 12];
}

const char *month_abbr(int m)
{
	static const char *abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	return abbr[(m - 1) % 12];
}
