# matrix.md holds a table such as:
#
# |Task|Auth0|Subscriber|Notes|
# |---|---|---|---|
# |Monitoring|I|R, A|The subscriber monitors the installation.|
# |Backing Up|I (in the event that there are issues)|R, A - infrastructure engineer||
# |[Optional] User Migration (if required)|C|R||
#
# for which parse_matrix returns, in table order:
#
# [
#   {
#     key            = "monitoring"
#     title          = "Monitoring"
#     category       = null
#     notes          = "The subscriber monitors the installation."
#     accountability = "single"
#     optional       = false
#     when           = null
#     position       = 1
#     assignments = [
#       { party = "auth0", roles = ["I"], holder = null, when = null },
#       { party = "subscriber", roles = ["R", "A"], holder = null, when = null },
#     ]
#   },
#   {
#     key            = "backing-up"
#     title          = "Backing Up"
#     category       = null
#     notes          = null
#     accountability = "single"
#     optional       = false
#     when           = null
#     position       = 2
#     assignments = [
#       { party = "auth0", roles = ["I"], holder = null, when = "in the event that there are issues" },
#       { party = "subscriber", roles = ["R", "A"], holder = "infrastructure engineer", when = null },
#     ]
#   },
#   {
#     key            = "user-migration"
#     title          = "User Migration"
#     category       = null
#     notes          = null
#     accountability = "unassigned"  # the table names no Accountable party
#     optional       = true
#     when           = "if required"
#     position       = 3
#     assignments = [
#       { party = "auth0", roles = ["C"], holder = null, when = null },
#       { party = "subscriber", roles = ["R"], holder = null, when = null },
#     ]
#   },
# ]

# One row of the tenant's matrix per row of the table.
resource "raci_responsibility" "row" {
  for_each = { for r in provider::raci::parse_matrix(file("${path.module}/matrix.md")) : r.key => r }

  tenant      = "initech"
  key         = each.key
  title       = each.value.title
  category    = each.value.category
  notes       = each.value.notes
  assignments = each.value.assignments

  # As the table has it.
  accountability = each.value.accountability
  optional       = each.value.optional
  when           = each.value.when
  position       = each.value.position
}
