package model

import (
	"io"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalFloat writes a Float in plain decimal notation: 10767850, not
// gqlgen's default 1.076785e+07, which is valid JSON but reads badly in a
// dashboard's network tab and in money fields. NaN and infinities, which
// JSON cannot carry, become null.
func MarshalFloat(f float64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = io.WriteString(w, strconv.FormatFloat(f, 'f', -1, 64))
	})
}

// UnmarshalFloat reads a Float input as gqlgen does.
func UnmarshalFloat(v any) (float64, error) { return graphql.UnmarshalFloat(v) }
