Feature: Helpdesk tickets: how long a state may last, and a trigger that meets its own obligation
  "A ticket waits in the queue with no owner at most 24h" is `while unowned: at most 24h`: each
  stretch of the state longer than the limit is one `too_long` violation, reported whole. And a
  case whose very first event is "Take in charge" has been taken in charge: with `, trigger
  counts` the triggering event meets its own obligation; without it (the default) it never does.

  Background:
    Given the log zone is "Europe/Istanbul"
    And the time is "2026-03-02T09:00:00"

  # ------------------------------------------------------------ while S: at most D

  Scenario: Each stretch longer than the limit is one violation, reported whole
    # t-1 waits 26h10min (too long); t-2 exactly 24h (fine); t-3 waits 1h, then 25h (one
    # stretch fine, one too long); t-4 has waited 26h at the horizon (+28h, the last event):
    # too long already, still open; t-5 has waited 18h: pending until +10h + 24h = +34h.
    Given the policy:
      """
      state unowned = ticket.queued until ticket.accepted

      policy desk.queue-time "A ticket waits in the queue with no owner at most 24h"
        per ticket
        while unowned: at most 24h
      """
    When these events happen:
      | time      | type            | ticket |
      | +0s       | ticket.queued   | t-1    |
      | +0s       | ticket.queued   | t-2    |
      | +1h       | ticket.queued   | t-3    |
      | +2h       | ticket.queued   | t-4    |
      | +2h       | ticket.accepted | t-3    |
      | +3h       | ticket.queued   | t-3    |
      | +10h      | ticket.queued   | t-5    |
      | +24h      | ticket.accepted | t-2    |
      | +26h10min | ticket.accepted | t-1    |
      | +28h      | ticket.accepted | t-3    |
    Then the violations are:
      | policy          | kind     | scope      | start | end       |
      | desk.queue-time | too_long | ticket=t-1 | +0s   | +26h10min |
      | desk.queue-time | too_long | ticket=t-3 | +3h   | +28h      |
      | desk.queue-time | too_long | ticket=t-4 | +2h   | +28h      |
    And a violation sentence contains "ticket t-1: unowned for 1d02h10m, more than 24h (from 2026-03-02 09:00:00+03:00 to 2026-03-03 11:10:00+03:00)"
    And a violation sentence contains "ticket t-4: unowned for 1d02h, more than 24h (from 2026-03-02 11:00:00+03:00 to 2026-03-03 13:00:00+03:00; still open at the horizon)"
    And there is 1 pending obligation with deadline "+34h"
    And policy "desk.queue-time" has 2 satisfied, 3 violated and 1 pending

  Scenario: A stretch exactly as long as the limit at the horizon is pending
    # Queued at +0s, audited as of +24h: 24h so far is not more than 24h, and the ticket may
    # still be accepted now; one second later it is too long.
    Given the policy:
      """
      state unowned = ticket.queued until ticket.accepted

      policy desk.queue-time "A ticket waits in the queue with no owner at most 24h"
        per ticket
        while unowned: at most 24h
      """
    When these events happen:
      | time | type          | ticket |
      | +0s  | ticket.queued | t-1    |
    And the audit is as of "+24h"
    Then there are no violations
    And there is 1 pending obligation with deadline "+24h"
    And policy "desk.queue-time" has 0 satisfied, 0 violated and 1 pending

  Scenario: One second past the limit at the horizon is a violation still open
    Given the policy:
      """
      state unowned = ticket.queued until ticket.accepted

      policy desk.queue-time "A ticket waits in the queue with no owner at most 24h"
        per ticket
        while unowned: at most 24h
      """
    When these events happen:
      | time | type          | ticket |
      | +0s  | ticket.queued | t-1    |
    And the audit is as of "+24h1s"
    Then the violations are:
      | policy          | kind     | scope      | start | end    |
      | desk.queue-time | too_long | ticket=t-1 | +0s   | +24h1s |
    And the violation details are:
      | key             | value |
      | limit_seconds   | 86400 |
      | stretch_seconds | 86401 |
      | still_open      | true  |
    And policy "desk.queue-time" has 0 satisfied, 1 violated and 0 pending

  # ------------------------------------------------------------ , trigger counts

  Scenario: A case whose first event is Take in charge is taken in charge
    # The first event of each case must be followed by a Take in charge within 2h. c-1 starts
    # with Take in charge: it meets its own obligation with `trigger counts`, and is missing
    # without (deadline +2h, the horizon is +3h). c-2 is taken in charge after 1h (met by
    # both), c-3 after 3h (late for both; a late violation spans the trigger to the deadline).
    Given the policy:
      """
      policy helpdesk.first-pickup "A case is taken in charge within 2h of its first event"
        per case
        when * where count(*) == 0
        expect ticket.take_in_charge_ticket within 2h, trigger counts

      policy helpdesk.first-pickup-strict "A case is taken in charge within 2h after its first event"
        per case
        when * where count(*) == 0
        expect ticket.take_in_charge_ticket within 2h
      """
    When these events happen:
      | time | type                        | case |
      | +0s  | ticket.take_in_charge_ticket | c-1  |
      | +0s  | ticket.assign_seriousness    | c-2  |
      | +0s  | ticket.assign_seriousness    | c-3  |
      | +1h  | ticket.take_in_charge_ticket | c-2  |
      | +3h  | ticket.take_in_charge_ticket | c-3  |
    Then the violations are:
      | policy                       | kind    | scope    | start | end |
      | helpdesk.first-pickup        | late    | case=c-3 | +0s   | +2h |
      | helpdesk.first-pickup-strict | missing | case=c-1 | +0s   | +2h |
      | helpdesk.first-pickup-strict | late    | case=c-3 | +0s   | +2h |
    And a violation sentence contains "ticket.take_in_charge_ticket of case c-1 at 2026-03-02 09:00:00+03:00: no ticket.take_in_charge_ticket within 2h (deadline 11:00:00)"
    And policy "helpdesk.first-pickup" has 2 satisfied, 1 violated and 0 pending
    And policy "helpdesk.first-pickup-strict" has 1 satisfied, 2 violated and 0 pending
