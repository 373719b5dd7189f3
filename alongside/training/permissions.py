"""Who may do what with training records and supervision (rules predicates)."""
