package applier

import (
	"fmt"
	"sync"
)

// parallel runs fn(0..n-1) on at most limit goroutines and returns each call's
// error. A panic in fn becomes that call's error instead of killing the process.
func parallel(n, limit int, fn func(i int) error) []error {
	errs := make([]error, n)
	sem := make(chan struct{}, max(1, limit))
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("panic: %v", r)
				}
				<-sem
				wg.Done()
			}()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errs
}
