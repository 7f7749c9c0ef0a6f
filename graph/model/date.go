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

// UnmarshalDate reads a strict "YYYY-MM-DD" string.
func UnmarshalDate(v any) (calendar.Date, error) {
	s, ok := v.(string)
	if !ok {
		return calendar.Date{}, &DateError{msg: fmt.Sprintf("Date must be a string in the form YYYY-MM-DD, got %T", v)}
	}
	d, err := calendar.Parse(s)
	if err != nil {
		return calendar.Date{}, &DateError{msg: "invalid Date: " + err.Error()}
	}
	return d, nil
}
