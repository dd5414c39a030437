package main

import (
	"bytes"
	"context"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestGoHost(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, 3); err != nil {
		t.Fatal(err)
	}
	want := "0 ada: a702547ccca1b97e\n" +
		"1 bob: 6f4f320b7ab97ddf\n" +
		"4 dee: 9cc1dcc53eb01ac6\n" +
		"rejected:\n" +
		"item 2: fail: a user name is required\n" +
		"item 3: fail: \"not-an-email\" is not an email address\n" +
		"single request: eve a32d36f09e6843da\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
