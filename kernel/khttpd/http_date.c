// SPDX-License-Identifier: GPL-2.0-only
/*
 * HTTP-date; the rules are in http_date.h. Calendar arithmetic after
 * Howard Hinnant's days_from_civil()/civil_from_days(), which need no
 * tables and no loops: eras of 400 years, years starting on 1 March so the
 * leap day comes last.
 */
#include "http_date.h"

#define DATE_MAX 253402300799LL /* 9999-12-31 23:59:59 */

static const char wdays[7][4] = { "Sun", "Mon", "Tue", "Wed",
				  "Thu", "Fri", "Sat" };
static const char *const wdays_long[7] = { "Sunday",	"Monday",   "Tuesday",
					   "Wednesday", "Thursday", "Friday",
					   "Saturday" };
static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days from 1970-01-01 to y-m-d; y >= 0, so all is unsigned until the end. */
static s64 days_from_civil(u32 y, u32 m, u32 d)
{
	u32 era, yoe, doy, doe;

	y += 400 - (m <= 2); /* one era ahead, so year 0 in Jan stays >= 0 */
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (s64)era * 146097 + doe - 719468 - 146097;
}

/* The inverse, for days >= 0 (1970 and later). */
static void civil_from_days(u32 days, u32 *y, u32 *m, u32 *d)
{
	u32 z = days + 719468;
	u32 era = z / 146097;
	u32 doe = z - era * 146097;
	u32 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u32 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	u32 mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static void put2(char *p, u32 v)
{
	p[0] = '0' + v / 10;
	p[1] = '0' + v % 10;
}

int khttpd_date_format(s64 t, char *buf)
{
	u32 secs, days, y, m, d;

	if (t < 0)
		t = 0;
	if (t > DATE_MAX)
		t = DATE_MAX;
	days = khttpd_div_u64_rem(t, 86400, &secs);
	civil_from_days(days, &y, &m, &d);

	memcpy(buf, wdays[(days + 4) % 7], 3); /* 1970-01-01 was a Thursday */
	memcpy(buf + 3, ", 00 ", 5);
	put2(buf + 5, d);
	memcpy(buf + 8, months[m - 1], 3);
	buf[11] = ' ';
	put2(buf + 12, y / 100);
	put2(buf + 14, y % 100);
	memcpy(buf + 16, " 00:00:00 GMT", 14); /* with the NUL */
	put2(buf + 17, secs / 3600);
	put2(buf + 20, secs / 60 % 60);
	put2(buf + 23, secs % 60);
	return KHTTPD_DATE_LEN;
}

/* A cursor over the date being parsed; every step checks it has room. */
struct scan {
	const char *p;
	const char *end;
};

static bool lit(struct scan *s, const char *l)
{
	size_t n = strlen(l);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, l, n))
		return false;
	s->p += n;
	return true;
}

/* Exactly n digits; a leading space stands for 0 if sp (asctime's day). */
static bool num(struct scan *s, size_t n, bool sp, u32 *v)
{
	size_t i;

	if ((size_t)(s->end - s->p) < n)
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (sp && i == 0 && s->p[i] == ' ')
			continue;
		if (!khttpd_is_digit(s->p[i]))
			return false;
		*v = *v * 10 + (s->p[i] - '0');
	}
	s->p += n;
	return true;
}

static bool month(struct scan *s, u32 *m)
{
	for (*m = 1; *m <= 12; (*m)++)
		if (lit(s, months[*m - 1]))
			return true;
	return false;
}

/* hh:mm:ss */
static bool time_of_day(struct scan *s, u32 *h, u32 *mi, u32 *sec)
{
	return num(s, 2, false, h) && lit(s, ":") && num(s, 2, false, mi) &&
	       lit(s, ":") && num(s, 2, false, sec);
}

static bool leap(u32 y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid(u32 y, u32 m, u32 d, u32 h, u32 mi, u32 sec)
{
	static const u8 mdays[12] = { 31, 29, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31 };

	if (d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap(y)))
		return false;
	return h <= 23 && mi <= 59 && sec <= 60;
}

enum form { NONE, IMF, RFC850, ASCTIME };

/* The day name tells the form: "Sunday," "Sun," or "Sun ". */
static enum form day_name(struct scan *s)
{
	int i;

	for (i = 0; i < 7; i++)
		if (lit(s, wdays_long[i]))
			return lit(s, ", ") ? RFC850 : NONE;
	for (i = 0; i < 7; i++)
		if (lit(s, wdays[i]))
			break;
	if (i == 7)
		return NONE;
	if (lit(s, ", "))
		return IMF;
	return lit(s, " ") ? ASCTIME : NONE;
}

bool khttpd_date_parse(const char *str, size_t len, s64 *t)
{
	struct scan s;
	u32 y = 0, m = 0, d = 0, h = 0, mi = 0, sec = 0;
	bool ok = false;

	/* Before any pointer arithmetic: an absent header is (NULL, 0). */
	if (len < KHTTPD_DATE_LEN - 5) /* asctime is the shortest form */
		return false;
	s.p = str;
	s.end = str + len;

	switch (day_name(&s)) {
	case IMF: /* 06 Nov 1994 08:49:37 GMT */
		ok = num(&s, 2, false, &d) && lit(&s, " ") && month(&s, &m) &&
		     lit(&s, " ") && num(&s, 4, false, &y) && lit(&s, " ") &&
		     time_of_day(&s, &h, &mi, &sec) && lit(&s, " GMT");
		break;
	case RFC850: /* 06-Nov-94 08:49:37 GMT */
		ok = num(&s, 2, false, &d) && lit(&s, "-") && month(&s, &m) &&
		     lit(&s, "-") && num(&s, 2, false, &y) && lit(&s, " ") &&
		     time_of_day(&s, &h, &mi, &sec) && lit(&s, " GMT");
		y += y < 70 ? 2000 : 1900;
		break;
	case ASCTIME: /* Nov  6 08:49:37 1994 */
		ok = month(&s, &m) && lit(&s, " ") && num(&s, 2, true, &d) &&
		     lit(&s, " ") && time_of_day(&s, &h, &mi, &sec) &&
		     lit(&s, " ") && num(&s, 4, false, &y);
		break;
	case NONE:
		break;
	}
	if (!ok || s.p != s.end || !valid(y, m, d, h, mi, sec))
		return false;
	*t = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + sec;
	return true;
}
