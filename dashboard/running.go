package dashboard

import (
	"sync"

	"github.com/gofiber/fiber/v2"

	"tradestat"
)

// perAccountHeavy is how many lot lists and lot exports one account may have in progress at
// once. They share the server's lanes of heavy reads with every other account; one account
// opening many would make everyone else's wait behind its own.
const perAccountHeavy = 2

// running counts each account's lot lists and exports in progress.
type running struct {
	mu sync.Mutex
	n  map[string]int
}

type releaseKey struct{}

// perAccount lets a lot list or export run when its account has fewer than perAccountHeavy
// in progress, and refuses it (429) otherwise. A request is in progress until its handler
// returns or, for a download the handler hands on (handOff), until the download is sent.
func (s *Server) perAccount(c *fiber.Ctx) error {
	key := s.userName(c)
	if key == "" {
		key = "address " + s.clientIP(c) // access control off: one client, one address
	}
	r := s.running
	r.mu.Lock()
	if r.n[key] >= perAccountHeavy {
		r.mu.Unlock()
		return tradestat.Fail(tradestat.TooMany, "your account has %d lot lists or exports in progress: wait for one to finish", perAccountHeavy)
	}
	r.n[key]++
	r.mu.Unlock()
	var once sync.Once
	release := func() {
		once.Do(func() {
			r.mu.Lock()
			if r.n[key]--; r.n[key] <= 0 {
				delete(r.n, key)
			}
			r.mu.Unlock()
		})
	}
	c.Locals(releaseKey{}, &release)
	err := c.Next()
	if f, _ := c.Locals(releaseKey{}).(*func()); f != nil {
		(*f)()
	}
	return err
}

// handOff takes over the release of the request's place among its account's requests in
// progress (perAccount): the caller releases it when its download is sent.
func handOff(c *fiber.Ctx) func() {
	f, _ := c.Locals(releaseKey{}).(*func())
	c.Locals(releaseKey{}, nil)
	if f == nil {
		return func() {}
	}
	return *f
}
