package provider

import (
	"context"
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
