//! `POST /widget/api/messages` (the visitor writes) and `POST /widget/api/person` ("Talk to a
//! person"), with a form body: `token`, `body`, `name`, `email`, and `after` (the last message
//! the widget shows, so the answer carries only what is new).
