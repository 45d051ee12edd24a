// Package notify is the bundle's email: a transactional outbox, the templates, the MIME messages and
// the senders.
//
// A function writes a Notification with Outbox.Enqueue inside the transaction of the event that
// causes it (a registration, a reset request, a checkout), so the message exists if and only if that
// transaction commits. Its RFC 5322 Message-ID is fixed at that moment. The notifier function drains
// the outbox (Drainer.Drain, on a schedule) and the writing function kicks a drain of its own
// messages right after the commit (Kicker), without waiting for it. A drain claims a message by one
// conditional UPDATE that pushes its next attempt a lease ahead, so concurrent drains never send the
// same message at once, and a drain killed mid-send leaves the message to be sent again, with the
// same Message-ID, once the lease ends: delivery is at-least-once and a receiver can deduplicate on
// the id. A failed send is retried with exponential backoff and parked after MaxAttempts.
//
// Senders are chosen by configuration (Config.Sender): the local default writes each message as an
// RFC 5322 file under $OCTO_DATA_DIR/mail/ (FileSender), SMTPSender speaks SMTP with STARTTLS to any
// relay, and OCISender submits to OCI Email Delivery's HTTPS API with the function's resource
// principal. Messages carry a plain-text and an HTML part (github.com/emersion/go-message); every
// template is in templates.go.
package notify
