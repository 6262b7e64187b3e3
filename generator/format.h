/* format: figures as display text, the one place numbers become words
 * (English conventions: comma thousands, dot decimals). Every function
 * returns a new string; the caller frees it. */
#ifndef REVIEWPACK_FORMAT_H
#define REVIEWPACK_FORMAT_H

#include <stdint.h>

#include "model.h"

/* Exact money for tables, in whole currency units rounded half away from
 * zero, with the currency's symbol or code: "$1,234,567", "€1,234",
 * "£12", "¥1,234,567", "CHF 1,234" (codes without a symbol of their own).
 * cur is an ISO 4217 code; NULL means USD. */
char *format_money(cents_t c, const char *cur);
/* Compact money for headlines: "$950", "$12.5K", "$760K", "$1.2M",
 * "$3.4B": whole numbers from 100 of a unit up, else one decimal,
 * dropped when zero ("$2M"). */
char *format_money_compact(cents_t c, const char *cur);
/* Compact money with `places` (0 to 3) decimals of its unit, to tell
 * close figures apart: places 2 gives "$1.16M", "$1.20M", "$960.45K";
 * below 1,000 of the currency as format_money_compact. */
char *format_money_compact_places(cents_t c, const char *cur, int places);
/* A change of money in compact form with its sign: "+$116K", "−$500K"
 * (U+2212); "$0" when it rounds to nothing. */
char *format_money_change(cents_t c, const char *cur);
/* Actual against forecast in exact money: "$45,000 over", "$12,000
 * under", "on forecast" when they are equal. */
char *format_over_under(cents_t actual, cents_t forecast, const char *cur);
/* A fraction as a percent with `decimals` decimals: 0.1234 -> "12.3%". */
char *format_percent(double v, int decimals);
/* A fraction as a signed percent: 0.05 -> "+5.0%", -0.2 -> "−20.0%"
 * (U+2212), 0 -> "0.0%". */
char *format_signed_percent(double v);
/* A difference of two fractions in percentage points: 0.12 -> "+12.0 pts",
 * -0.035 -> "−3.5 pts", 0 -> "0.0 pts". */
char *format_points(double v);
/* A day count: "1 day", "12 days", "12.5 days" (one decimal when not
 * whole), "−3 days". */
char *format_days(double v);
/* A whole number with thousands separators: "1,234,567". */
char *format_count(int64_t n);

#endif
