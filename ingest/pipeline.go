package ingest

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"

	"tradestat"
)

// rowResult is what one data row became.
type rowResult struct {
	kind   rowKind
	lot    tradestat.Lot
	bid    tradestat.Bid
	reject *Reject
}

// rowsPerBatch is how many rows travel together through the conversion pipeline: enough to
// make the hand-offs cheap, few enough to keep memory flat.
const rowsPerBatch = 2048

type rowBatch struct {
	recs  [][]string
	lines []int
	errs  []error
	out   []rowResult
	done  chan struct{}
}

// convertRows reads t's data rows and converts them on every core, handing the results to
// handle in file order (so versions, duplicates and reject reports follow the file). Reading,
// converting and handling overlap; at most a few batches are in flight.
func convertRows(ctx context.Context, t table, conv *converter, handle func(rowResult) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *rowBatch, workers)
	order := make(chan *rowBatch, workers*2)
	// Handled batches come back for reuse: a batch's results are hundreds of kilobytes, and
	// allocating them afresh for every 2048 rows is most of what the garbage collector does.
	spare := make(chan *rowBatch, workers*3+1)

	for range workers {
		go func() {
			for b := range work {
				b.out = b.out[:len(b.recs)]
				for i, rec := range b.recs {
					b.out[i] = convertRow(conv, rec, b.lines[i], b.errs[i])
				}
				close(b.done)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(work)
		next := func() *rowBatch {
			select {
			case b := <-spare:
				b.recs, b.lines, b.errs, b.done = b.recs[:0], b.lines[:0], b.errs[:0], make(chan struct{})
				return b
			default:
				return newRowBatch()
			}
		}
		b := next()
		flush := func() bool {
			select {
			case order <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case work <- b:
			case <-ctx.Done():
				return false
			}
			b = next()
			return true
		}
		for {
			rec, line, err := t.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if isUnreadable(err) { // the file as a whole, not this row: nothing of it is kept
				readErr <- err
				return
			}
			b.recs, b.lines, b.errs = append(b.recs, rec), append(b.lines, line), append(b.errs, err)
			if len(b.recs) == rowsPerBatch && !flush() {
				readErr <- ctx.Err()
				return
			}
		}
		if len(b.recs) > 0 && !flush() {
			readErr <- ctx.Err()
			return
		}
		readErr <- nil
	}()

	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		for _, r := range b.out {
			if err := handle(r); err != nil {
				cancel()
				for range order { // let the reader finish
				}
				return err
			}
		}
		clear(b.out) // drop the lots' strings, so a spare batch keeps no file data alive
		select {
		case spare <- b:
		default:
		}
	}
	return <-readErr
}

func newRowBatch() *rowBatch {
	return &rowBatch{
		recs: make([][]string, 0, rowsPerBatch), lines: make([]int, 0, rowsPerBatch),
		errs: make([]error, 0, rowsPerBatch), out: make([]rowResult, 0, rowsPerBatch), done: make(chan struct{}),
	}
}

// convertRow turns one row into a lot, a reject or a skip. It only reads conv, so any number
// of them run at once.
func convertRow(conv *converter, rec []string, line int, readErr error) rowResult {
	if readErr != nil {
		return rowResult{kind: rowReject, reject: &Reject{File: conv.file, Sheet: conv.sheet, Row: line, Reason: conv.p.T("not valid CSV: %v", readErr)}}
	}
	for i, cell := range rec {
		rec[i] = strings.TrimSpace(cell)
	}
	if conv.classify(rec) == rowSkipped {
		return rowResult{kind: rowSkipped}
	}
	if rej := conv.badText(rec, line); rej != nil {
		return rowResult{kind: rowReject, reject: rej}
	}
	if conv.l.kind == bidRows {
		bid, rej := conv.bid(rec, line)
		if rej != nil {
			return rowResult{kind: rowReject, reject: rej}
		}
		return rowResult{kind: rowBid, bid: bid}
	}
	lot, rej := conv.lot(rec, line)
	if rej != nil {
		return rowResult{kind: rowReject, reject: rej}
	}
	return rowResult{kind: rowLot, lot: lot}
}
