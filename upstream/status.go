package upstream

import "strings"

// VisitStatus classifies a record_status slice. The pie has labels only,
// and they differ between API versions and fixtures (CONTRACT §3.6, §4.4),
// so the label is matched by keywords; anything unrecognised is Other and
// keeps its label.
type VisitStatus string

const (
	StatusArrived   VisitStatus = "ARRIVED"
	StatusConfirmed VisitStatus = "CONFIRMED"
	StatusPending   VisitStatus = "PENDING"
	StatusNoShow    VisitStatus = "NO_SHOW"
	StatusCancelled VisitStatus = "CANCELLED"
	StatusOther     VisitStatus = "OTHER"
)

// statusKeywords is checked in order: the negative forms ("did not come",
// "не пришел") must win over the positive ones they contain.
var statusKeywords = []struct {
	status VisitStatus
	words  []string
}{
	{StatusNoShow, []string{"did not come", "didn't come", "didnt come", "not come", "not came", "no-show", "no show", "noshow", "not arrived", "absent", "не пришел", "не пришёл", "не пришли", "неявка"}},
	{StatusCancelled, []string{"deleted", "delete", "cancel", "удален", "удалён", "отмен"}},
	// "Not confirmed" / "unconfirmed" / "awaiting confirmation" wait for
	// the client: pending, though they contain "confirm".
	{StatusPending, []string{"not confirmed", "unconfirmed", "awaiting confirmation", "не подтверд"}},
	{StatusConfirmed, []string{"confirm", "подтверд"}},
	{StatusPending, []string{"expectation", "expected", "waiting", "pending", "awaiting", "ожидан"}},
	{StatusArrived, []string{"came", "arrived", "visited", "attended", "пришел", "пришёл", "пришли"}},
}

// StatusOf maps every label variant known from the docs, the old docs, the
// fixtures and live data: "Came"/"The client came" → ARRIVED,
// "Confirmed"/"Customer confirmed" → CONFIRMED, "Expectation"/"Customer
// expectation" → PENDING, "Did not come"/"Client didn't come" → NO_SHOW,
// "Deleted" → CANCELLED.
func StatusOf(label string) VisitStatus {
	l := strings.ToLower(strings.ReplaceAll(label, "’", "'"))
	for _, k := range statusKeywords {
		for _, w := range k.words {
			if strings.Contains(l, w) {
				return k.status
			}
		}
	}
	return StatusOther
}
