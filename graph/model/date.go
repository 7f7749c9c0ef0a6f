// Package model holds the GraphQL types that are not upstream types, and
// the Date scalar's marshalling.
package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/altegraph/altegraph/calendar"
)

// DateError is an invalid Date input; the error presenter answers it with
// BAD_USER_INPUT.
type DateError struct{ msg string }

func (e *DateError) Error() string { return e.msg }

// MarshalDate writes a calendar.Date as "YYYY-MM-DD".
func MarshalDate(d calendar.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// Years a Date may name. Altegio has no data before 2000, and refusing
// what cannot be meant keeps odd stamps (epoch 0 and its neighbours, year
// 0 or 9999) out of the decoders.
const minYear, maxYear = 2000, 2099

// UnmarshalDate reads a strict "YYYY-MM-DD" string.
func UnmarshalDate(v any) (calendar.Date, error) {
	s, ok := v.(string)
	if !ok {
		return calendar.Date{}, &DateError{msg: "Date must be a string in the form YYYY-MM-DD"}
	}
	d, err := calendar.Parse(s)
	if err != nil {
		return calendar.Date{}, &DateError{msg: "invalid Date: " + err.Error()}
	}
	if d.Year < minYear || d.Year > maxYear {
		return calendar.Date{}, &DateError{msg: fmt.Sprintf("invalid Date: %s is outside %d-01-01..%d-12-31", s, minYear, maxYear)}
	}
	return d, nil
}
