"""约谈提醒 (talks): whom leadership should talk to and why (the suggestion rules, data the
city's office keeps), the talks held and the commitments made in them, followed up in the work
queue, the reminders and the monthly review."""
