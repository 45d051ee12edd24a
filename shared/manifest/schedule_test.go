package manifest

import (
	"strings"
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string, loc *time.Location) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, expr, from, want string
		loc                    *time.Location
	}{
		{"every minute moves to the next minute", "* * * * *", "2026-03-10 10:15", "2026-03-10 10:16", time.UTC},
		{"hourly at minute 0", "0 * * * *", "2026-03-10 10:15", "2026-03-10 11:00", time.UTC},
		{"step in minutes", "*/20 * * * *", "2026-03-10 10:41", "2026-03-10 11:00", time.UTC},
		{"range with step in hours", "30 8-18/4 * * *", "2026-03-10 12:31", "2026-03-10 16:30", time.UTC},
		{"list of days of month rolls into the next month", "0 0 1,15 * *", "2026-03-20 00:00", "2026-04-01 00:00", time.UTC},
		{"day of week 0 is Sunday", "0 9 * * 0", "2026-03-10 10:00", "2026-03-15 09:00", time.UTC},
		{"day names", "0 9 * * SUN", "2026-03-10 10:00", "2026-03-15 09:00", time.UTC},
		{"both day fields restricted match either", "0 0 13 * 5", "2026-03-01 00:00", "2026-03-06 00:00", time.UTC},
		{"month restriction skips to next year", "0 0 1 1 *", "2026-03-10 00:00", "2027-01-01 00:00", time.UTC},
		{"time zone is honoured", "0 2 * * *", "2026-03-10 03:00", "2026-03-11 02:00", paris},
		{"a time lost to the DST change is skipped that day", "30 2 * * *", "2026-03-28 12:00", "2026-03-30 02:30", paris},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Schedule{Cron: tt.expr, TimeZone: tt.loc.String()}.Next(at(tt.from, tt.loc))
			if err != nil {
				t.Fatal(err)
			}
			if want := at(tt.want, tt.loc); !got.Equal(want) {
				t.Errorf("next(%s) = %s, want %s", tt.from, got, want)
			}
		})
	}
}

func TestValidateRejectsMalformedSchedules(t *testing.T) {
	for _, s := range []Schedule{
		{Cron: "* * * *", TimeZone: "UTC"}, {Cron: "61 * * * *", TimeZone: "UTC"}, {Cron: "60 * * * *", TimeZone: "UTC"},
		{Cron: "* 24 * * *", TimeZone: "UTC"}, {Cron: "* * 0 * *", TimeZone: "UTC"}, {Cron: "* * * 13 *", TimeZone: "UTC"},
		{Cron: "* * * * 7", TimeZone: "UTC"}, {Cron: "*/0 * * * *", TimeZone: "UTC"}, {Cron: "5-1 * * * *", TimeZone: "UTC"},
		{Cron: "a * * * *", TimeZone: "UTC"}, {Cron: "@hourly", TimeZone: "UTC"}, {Cron: "0 0 * * * *", TimeZone: "UTC"},
		{Cron: "0 * * * *"}, {Cron: "0 * * * *", TimeZone: "Mars/Olympus_Mons"},
	} {
		t.Run(s.Cron+" "+s.TimeZone, func(t *testing.T) {
			f := Function{SchemaVersion: 20180708, Runtime: "docker", Name: "sweep", Memory: 128, Timeout: 30, Schedule: &s}
			if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "schedule") {
				t.Errorf("Validate accepted schedule %+v: %v", s, err)
			}
		})
	}
	ok := Function{SchemaVersion: 20180708, Runtime: "docker", Name: "sweep", Memory: 128, Timeout: 30, Schedule: &Schedule{Cron: "0 * * * *", TimeZone: "UTC"}}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate refused a good schedule: %v", err)
	}
}
