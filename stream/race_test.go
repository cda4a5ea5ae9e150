//go:build race

package stream_test

// raceDetector says the tests run under -race, where the scale tests take ten times longer.
const raceDetector = true
