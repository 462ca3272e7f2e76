package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// changeWitness names an object for the out-of-band warnings: its resource type and
// import id, and where the event log keeps its history.
type changeWitness struct {
	resourceType string // "raci_responsibility"
	id           string // "initech/backing-up"
	tenant       string
	object       string // raci.ResponsibilityObject("backing-up")
	// relevant, when set, picks the events a warning is about: the newest event
	// it accepts names who made the change. A checklist's skips people's ticks.
	relevant func(*raci.Event) bool
}

// warnChanged adds a warning when the server holds a newer version than the one
// Terraform last wrote or read, naming who made the change and when from the event
// log. A failed look-up leaves only a debug line: the plan itself still shows the
// drift.
func warnChanged(ctx context.Context, svc raci.Service, diags *diag.Diagnostics, w changeWitness, known, current int64) {
	if known == 0 || current <= known {
		return
	}
	if e := lastEvent(ctx, svc, w); e != nil {
		diags.AddWarning("Changed Outside Terraform", fmt.Sprintf(
			"%s %q was changed outside Terraform by %s at %s (version %d; Terraform last saw version %d). "+
				"The plan shows the difference; apply to restore the configuration, or update the configuration to keep the change.",
			w.resourceType, w.id, e.Actor, e.At.UTC().Format(time.RFC3339), current, known))
	}
}

// warnDeleted adds a warning naming who deleted the object, when the log says.
func warnDeleted(ctx context.Context, svc raci.Service, diags *diag.Diagnostics, w changeWitness) {
	if e := lastEvent(ctx, svc, w); e != nil && e.Action == raci.ActionDelete {
		diags.AddWarning("Deleted Outside Terraform", fmt.Sprintf(
			"%s %q was deleted outside Terraform by %s at %s. The next apply creates it again.",
			w.resourceType, w.id, e.Actor, e.At.UTC().Format(time.RFC3339)))
	}
}

// warnRenamed adds a warning when the party is gone because someone renamed it,
// naming the new name, who and when, and reports whether it did. It looks at the
// tenant's newest events only: a rename older than those is reported as a deletion,
// or not at all.
func warnRenamed(ctx context.Context, svc raci.Service, diags *diag.Diagnostics, w changeWitness, name string) bool {
	events, err := svc.ListEvents(ctx, w.tenant, raci.EventFilter{Newest: true, Limit: renameLookBack})
	if err != nil {
		tflog.Debug(ctx, "cannot look for a rename of the party", map[string]any{"object": w.id, "error": err.Error()})
		return false
	}
	for _, e := range events {
		if e.Action != raci.ActionRename {
			continue
		}
		var before, after struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(e.Before, &before) != nil || json.Unmarshal(e.After, &after) != nil || before.Name != name {
			continue
		}
		diags.AddWarning("Renamed Outside Terraform", fmt.Sprintf(
			"%s %q was renamed to %q outside Terraform by %s at %s, with the rows and checklist items that name it. "+
				"Set name = %q in the configuration to keep the rename (then import %q); otherwise the next apply "+
				"creates a party named %q again, beside it.",
			w.resourceType, w.id, after.Name, e.Actor, e.At.UTC().Format(time.RFC3339), after.Name, w.tenant+"/"+after.Name, name))
		return true
	}
	return false
}

// renameLookBack is how many of a tenant's newest events warnRenamed reads.
const renameLookBack = 200

// relevantEvents is how many of an object's newest events lastEvent looks through
// for one that relevant accepts: enough for a busy day of ticks.
const relevantEvents = 100

func lastEvent(ctx context.Context, svc raci.Service, w changeWitness) *raci.Event {
	limit := 1
	if w.relevant != nil {
		limit = relevantEvents
	}
	f := raci.EventFilter{Object: w.object, Newest: true, Limit: limit}
	events, err := svc.ListEvents(ctx, w.tenant, f)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		// The tenant is gone with its log; the deleted tenants' history, which
		// only admin tokens (and local mode) may read, names who deleted it.
		f.Deleted = true
		events, err = svc.ListEvents(ctx, w.tenant, f)
	}
	for _, e := range events {
		if w.relevant == nil || w.relevant(e) {
			return e
		}
	}
	tflog.Debug(ctx, "no event names the out-of-band change", map[string]any{"object": w.id, "error": fmt.Sprint(err)})
	return nil
}
