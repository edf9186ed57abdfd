package dashboard

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tradestat/query"
)

// The competition figures of a sealed period: a seal records them beside the deal figures,
// and the competition page, its answer and its export offer the seal's (as=sealed) or the
// current ones, saying which. The red flags and the winners are read from the bid lists as
// they are now and say so: a seal does not record them.

// competitionSeal is what the competition page and answers say of the seal in force over the
// view: the seal, and when it recorded them, its competition figures and the current ones.
type competitionSeal struct {
	Seal            query.Seal
	Recorded        bool // the seal recorded competition figures (the seals made before did not)
	Sealed, Current query.Competition
	Changed         bool // the current figures differ from the seal's
}

// SealedText is the seal's competition figures as the mark says them, in l.
func (x *competitionSeal) SealedText(l lang) string {
	return l.msg().T("Sealed competition figures: sections opened %d, failed %d", x.Sealed.Sections, x.Sealed.Failed)
}

// ChangedText is how the current competition figures differ from the seal's, in l.
func (x *competitionSeal) ChangedText(l lang) string {
	return l.msg().T("Changed since the seal: sections opened %s, failed %s",
		signed(strconv.FormatInt(x.Current.Sections-x.Sealed.Sections, 10)), signed(strconv.FormatInt(x.Current.Failed-x.Sealed.Failed, 10)))
}

// chosenCompetition is the competition figures a request asks for by as=, as chosen is the
// deal figures, with what the page says of the seal in force over the view (nil: none).
func chosenCompetition(ctx context.Context, c *fiber.Ctx, st *query.Store, v view) (query.CompetitionFigures, *competitionSeal, error) {
	as, err := asSealed(c)
	if err != nil {
		return nil, nil, err
	}
	figures, a, err := st.ChooseCompetition(ctx, v.Filter, as)
	if err != nil || a == nil {
		return figures, nil, err
	}
	return figures, &competitionSeal{Seal: a.Seal, Recorded: a.Seal.Competition, Sealed: a.Sealed, Current: a.Current,
		Changed: a.Sealed != a.Current}, nil
}

// competitionSealJSON is the seal in force beside an answer's competition figures.
type competitionSealJSON struct {
	sealHeadJSON
	// Recorded is false for a seal made before competition figures were sealed: it has none.
	Recorded bool             `json:"recorded"`
	Sealed   *competitionJSON `json:"sealed,omitempty"`
	Current  *competitionJSON `json:"current,omitempty"`
}

func (x *competitionSeal) json() *competitionSealJSON {
	out := &competitionSealJSON{sealHeadJSON: sealHeadOf(x.Seal), Recorded: x.Recorded}
	if x.Recorded {
		sealed, current := competitionJSONOf("", "", x.Sealed), competitionJSONOf("", "", x.Current)
		out.Sealed, out.Current = &sealed, &current
	}
	return out
}

// competitionAs is what an answer says of its competition figures when a seal covers the view.
func competitionAs(figures query.CompetitionFigures, x *competitionSeal) (string, *competitionSealJSON) {
	if x == nil {
		return "", nil
	}
	if _, ok := figures.(query.Sealed); ok {
		return "sealed", x.json()
	}
	return "current", x.json()
}
