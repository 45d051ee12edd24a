package manifest

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser reads the five standard fields (minute hour day-of-month month day-of-week) and nothing
// else: no seconds field and no @hourly descriptors, which OCI Resource Scheduler's CRON recurrence
// does not take. Day-of-week runs 0-6 from Sunday (7 is refused); month and day names (JAN, MON) are accepted; when
// both day fields are restricted a day matching either runs, as in Vixie cron. robfig/cron is the
// parser: the manifest (and so make generate and every declaration test) and the local gateway's
// scheduler read an expression the same way.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Next returns the schedule's first run strictly after t, in the schedule's time zone. Parse errors
// are those Validate reports.
func (s Schedule) Next(t time.Time) (time.Time, error) {
	spec, loc, err := s.parse()
	if err != nil {
		return time.Time{}, err
	}
	return spec.Next(t.In(loc)), nil
}

func (s Schedule) parse() (cron.Schedule, *time.Location, error) {
	if s.TimeZone == "" {
		return nil, nil, fmt.Errorf("schedule needs a time_zone")
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return nil, nil, fmt.Errorf("schedule time_zone %q: %w", s.TimeZone, err)
	}
	spec, err := cronParser.Parse(s.Cron)
	if err != nil {
		return nil, nil, fmt.Errorf("schedule cron %q: %w", s.Cron, err)
	}
	return spec, loc, nil
}
