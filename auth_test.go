package goatdb

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goatdb/internal/testutil"
	"goatdb/internal/trust"
)

// TestIssueSessionNeverSendsPrivateKeys: upstream's /auth/session sends the
// server's root private key to every client. Here the grant holds public
// parts only, also for an upstream data directory whose settings keep the
// root's private key.
func TestIssueSessionNeverSendsPrivateKeys(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []string{t.TempDir(), testutil.CopyDir(t, filepath.Join(testutil.Fixtures(t), "db-server", "localhost"))} {
		db := openTest(t, dir, &Options{CommitDelay: -1})
		client, _ := trust.NewSession("", 0)
		jwk, _ := trust.EncodePublicJWK(client.PublicKey)
		g, err := db.IssueSession(ctx, jwk, "")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(g)
		if strings.Contains(string(b), "privateKey") || strings.Contains(string(b), `\"d\"`) || strings.Contains(string(b), `"d"`) {
			t.Fatalf("grant leaks a private key: %s", b)
		}
		if len(g.Roots) == 0 || g.Roots[0].ID != db.CurrentSession().ID {
			t.Fatalf("roots %+v, want this server's root", g.Roots)
		}
		// The client, holding its private key under the granted id, can
		// now write.
		client.ID = g.Session.ID
		if s, ok := db.LookupSession(client.ID); !ok || s.Owner != "" || time.Until(s.Expiration) < 29*24*time.Hour {
			t.Fatalf("issued session not known: %+v %v", s, ok)
		}
		rc := &receiver{t: t, db: db, alice: client}
		if rep := rc.receive("/data/all", rc.line("c1", client.ID, client, "from the client")); rep.Accepted != 1 {
			t.Fatalf("%+v", rep)
		}
		db.Close()
	}
}

func TestIssueSessionRejects(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1})
	defer db.Close()
	for _, bad := range []string{`{}`, `not json`, `{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`} {
		if _, err := db.IssueSession(ctx, []byte(bad), ""); !errors.Is(err, ErrInvalidPublicKey) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	// A client database (its session is not root) cannot vouch for others.
	client := openTest(t, testutil.CopyDir(t, filepath.Join(testutil.Fixtures(t), "db-client")), &Options{CommitDelay: -1})
	defer client.Close()
	k, _ := trust.NewSession("", 0)
	jwk, _ := trust.EncodePublicJWK(k.PublicKey)
	if _, err := client.IssueSession(ctx, jwk, ""); !errors.Is(err, ErrNotRoot) {
		t.Fatalf("client issued a session: %v", err)
	}
}

func TestRenewSession(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1})
	defer db.Close()
	short, _ := trust.NewSession("alice", time.Hour)
	if err := db.addSession(short); err != nil {
		t.Fatal(err)
	}
	g, err := db.RenewSession(ctx, short.ID)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := db.LookupSession(short.ID)
	if time.Until(s.Expiration) < 29*24*time.Hour || s.Owner != "alice" || g.Session.ID != short.ID {
		t.Fatalf("not renewed: %+v", s)
	}
	if _, err := db.RenewSession(ctx, "unknown"); !errors.Is(err, trust.ErrUnknownSession) {
		t.Fatal(err)
	}
}

func TestIssueSessionWithProposedID(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1})
	defer db.Close()
	k, _ := trust.NewSession("", 0)
	jwk, _ := trust.EncodePublicJWK(k.PublicKey)
	g, err := db.IssueSession(ctx, jwk, k.ID)
	if err != nil || g.Session.ID != k.ID {
		t.Fatalf("proposed id not granted: %+v %v", g, err)
	}
	if again, err := db.IssueSession(ctx, jwk, k.ID); err != nil || again.Session.ID != k.ID {
		t.Fatalf("retry: %+v %v", again, err)
	}
	other, _ := trust.NewSession("", 0)
	ojwk, _ := trust.EncodePublicJWK(other.PublicKey)
	if g2, err := db.IssueSession(ctx, ojwk, k.ID); err != nil || g2.Session.ID == k.ID {
		t.Fatalf("a taken id was granted to another key: %+v %v", g2, err)
	}
}
