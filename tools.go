//go:build tools

// Package tools pins the code generators that `make generate` runs, so
// their versions live in go.mod with everything else.
package tools

import (
	_ "github.com/99designs/gqlgen"
)
