package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// rfc3339 checks that a string is an RFC 3339 time such as "2027-01-31T00:00:00Z".
type rfc3339 struct{}

var _ validator.String = rfc3339{}

func (rfc3339) Description(context.Context) string {
	return `must be an RFC 3339 time, e.g. "2027-01-31T00:00:00Z"`
}

func (v rfc3339) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rfc3339) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Time",
			fmt.Sprintf("%q is not a time Terraform and the server can agree on: it %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}

// parseTime reads an RFC 3339 attribute; null, unknown and (already reported)
// malformed values read as nil.
func parseTime(v types.String) *time.Time {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	if err != nil {
		return nil
	}
	return &t
}

// timeString maps a time from the server to an attribute. The server answers in UTC;
// when the configuration wrote the same instant another way ("+02:00"), the
// configured text is kept so the two never differ.
func timeString(t *time.Time, prior types.String) types.String {
	if t == nil {
		return types.StringNull()
	}
	if p := parseTime(prior); p != nil && p.Equal(*t) {
		return prior
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
