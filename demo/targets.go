package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"tradestat"
	"tradestat/money"
)

// segment is a calibration target: the lots of one family completed within [from, to] must
// add up to exactly these figures. Amounts are whole 元.
type segment struct {
	from, to tradestat.Date
	family   tradestat.Family
	projects int
	amount   int64                 // 元
	savings  int64                 // 元, spread over the tender-type lots
	premium  int64                 // 元, spread over the auction-type lots
	online   int                   // lots with 不见面开标, among the tender-type lots
	types    []tradestat.TradeType // drawn from instead of the family's types, when set
	places   []string              // drawn from instead of the dataset's places, when set
}

func day(y int, m time.Month, d int) tradestat.Date { return tradestat.Date{Year: y, Month: m, Day: d} }

// segmentsCSV is the demo dataset's calibration, one segment a row (its comments say which
// rows are published figures).
//
//go:embed segments.csv
var segmentsCSV []byte

// segments reads the calibration. The file is the product's own, so a row it cannot read is a
// fault of the build, and panics.
func segments() []segment {
	r := csv.NewReader(bytes.NewReader(segmentsCSV))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		panic(fmt.Sprintf("demo: segments.csv: %v", err))
	}
	var out []segment
	for i, rec := range recs[1:] { // after the header
		s, err := parseSegment(rec)
		if err != nil {
			panic(fmt.Sprintf("demo: segments.csv, row %d: %v", i+2, err))
		}
		out = append(out, s)
	}
	return out
}

// parseSegment reads from, to, family, projects, amount, savings and premium (万元) and online.
func parseSegment(rec []string) (segment, error) {
	var s segment
	var err error
	if len(rec) != 8 {
		return s, fmt.Errorf("%d fields, want 8", len(rec))
	}
	if s.from, err = tradestat.ParseDate(rec[0]); err != nil {
		return s, err
	}
	if s.to, err = tradestat.ParseDate(rec[1]); err != nil {
		return s, err
	}
	if s.family, err = tradestat.ParseFamily(rec[2]); err != nil {
		return s, err
	}
	if s.projects, err = strconv.Atoi(rec[3]); err != nil {
		return s, err
	}
	for i, dst := range []*int64{&s.amount, &s.savings, &s.premium} {
		wan, err := money.Parse(rec[4+i], money.Wan)
		if err != nil {
			return s, err
		}
		if wan%100 != 0 {
			return s, fmt.Errorf("%s万元 is not whole 元", rec[4+i])
		}
		*dst = int64(wan / 100)
	}
	s.online, err = strconv.Atoi(rec[7])
	return s, err
}
