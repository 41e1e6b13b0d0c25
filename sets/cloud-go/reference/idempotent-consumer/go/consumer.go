// Package idempotentconsumer is the Go original of the idempotent-consumer
// exercise: an SQS-style consumer, idempotent per message id, with a DLQ.
package idempotentconsumer

import (
	"context"
	"sync"
)

// Message is one delivery of a message.
type Message struct {
	ID, Body, Receipt string
	Receives          int
}

// Queue is what the consumer needs of SQS.
type Queue struct {
	Receive    func(ctx context.Context) (Message, bool)
	Delete     func(receipt string)
	DeadLetter func(m Message)
}

// Consume handles messages on workers until ctx is done: each id succeeds
// at most once, duplicates are deleted, failures redelivered, poison
// messages dead-lettered.
func Consume(ctx context.Context, q Queue, workers, maxReceives int, handle func(Message) error) {
	var (
		mu       sync.Mutex
		done     = map[string]bool{}
		inFlight = map[string]bool{}
		wg       sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				m, ok := q.Receive(ctx)
				if !ok {
					return
				}
				mu.Lock()
				switch {
				case done[m.ID]:
					mu.Unlock()
					q.Delete(m.Receipt)
					continue
				case inFlight[m.ID]:
					mu.Unlock()
					continue
				case m.Receives > maxReceives:
					mu.Unlock()
					q.DeadLetter(m)
					q.Delete(m.Receipt)
					continue
				}
				inFlight[m.ID] = true
				mu.Unlock()

				err := handle(m)

				mu.Lock()
				delete(inFlight, m.ID)
				if err == nil {
					done[m.ID] = true
				}
				mu.Unlock()
				if err == nil {
					q.Delete(m.Receipt)
				}
			}
		}()
	}
	wg.Wait()
}
