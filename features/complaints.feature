Feature: Complaints (seeds 002 and 004)
  People warn at most three times: escalate repeated complaints, answer in time, never let a
  customer complain a fourth time about the same thing, and leave them alone after complaining.

  Background:
    Given the log zone is "Europe/Istanbul"
    And the time is "2026-03-02T10:00:00"

  # ------------------------------------------------------------ complaints.escalate-repeat

  Scenario: The third complaint about the same topic is escalated within a day
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time   | type            | customer | topic   |
      | +0s    | complaint.filed | c-1      | billing |
      | +1d    | complaint.filed | c-1      | billing |
      | +2d    | complaint.filed | c-1      | billing |
      | +2d5h  | case.escalated  | c-1      | billing |
    Then there are no violations
    And policy "complaints.escalate-repeat" has 1 satisfied, 0 violated and 0 pending

  Scenario: Two complaints are not yet a pattern
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +1d  | complaint.filed | c-1      | billing |
    And the audit is as of "+10d"
    Then there are no violations
    And policy "complaints.escalate-repeat" is vacuously satisfied

  Scenario: A third complaint never escalated
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +1d  | complaint.filed | c-1      | billing |
      | +2d  | complaint.filed | c-1      | billing |
    And the audit is as of "+4d"
    Then the violations are:
      | policy                     | kind    | scope                      | start | end | severity |
      | complaints.escalate-repeat | missing | customer=c-1, topic=billing | +2d   | +3d | high     |
    And the violation sentence contains "3rd complaint.filed within 30d"

  Scenario: Every later complaint needs its own escalation (or later)
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time  | type            | customer | topic   |
      | +0s   | complaint.filed | c-1      | billing |
      | +1d   | complaint.filed | c-1      | billing |
      | +2d   | complaint.filed | c-1      | billing |
      | +2d1h | case.escalated  | c-1      | billing |
      | +3d   | complaint.filed | c-1      | billing |
    And the audit is as of "+5d"
    Then the violations are:
      | policy                     | kind    | scope                      | start | end |
      | complaints.escalate-repeat | missing | customer=c-1, topic=billing | +3d   | +4d |
    And policy "complaints.escalate-repeat" has 1 satisfied, 1 violated and 0 pending

  Scenario: Three complaints spanning exactly 30 days count, escalated at the last moment
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +15d | complaint.filed | c-1      | billing |
      | +30d | complaint.filed | c-1      | billing |
      | +31d | case.escalated  | c-1      | billing |
    Then there are no violations
    And policy "complaints.escalate-repeat" has 1 satisfied, 0 violated and 0 pending

  Scenario: Complaints more than 30 days apart do not add up
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time   | type            | customer | topic   |
      | +0s    | complaint.filed | c-1      | billing |
      | +15d   | complaint.filed | c-1      | billing |
      | +30d1s | complaint.filed | c-1      | billing |
    And the audit is as of "+40d"
    Then there are no violations
    And policy "complaints.escalate-repeat" is vacuously satisfied

  Scenario: Different topics are different scopes
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time | type            | customer | topic    |
      | +0s  | complaint.filed | c-1      | billing  |
      | +1d  | complaint.filed | c-1      | billing  |
      | +2d  | complaint.filed | c-1      | delivery |
      | +3d  | complaint.filed | c-2      | billing  |
      | +4d  | complaint.filed | c-1      |          |
    And the audit is as of "+10d"
    Then there are no violations
    And policy "complaints.escalate-repeat" has 1 events outside its scope

  Scenario: A resolved case needs no escalation (unless)
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time  | type            | customer | topic   |
      | +0s   | complaint.filed | c-1      | billing |
      | +1d   | complaint.filed | c-1      | billing |
      | +2d   | complaint.filed | c-1      | billing |
      | +2d2h | case.resolved   | c-1      | billing |
    And the audit is as of "+5d"
    Then there are no violations
    And policy "complaints.escalate-repeat" has 0 satisfied, 0 violated and 0 pending

  Scenario: An escalation still due at the horizon is pending
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +1d  | complaint.filed | c-1      | billing |
      | +2d  | complaint.filed | c-1      | billing |
    And the audit is as of "+2d3h"
    Then there are no violations
    And there is 1 pending obligation with deadline "+3d"

  Scenario: A store that allows 48 hours to escalate overrides the parameter
    Given the policy "complaints.escalate-repeat" from "policies/"
    And the parameter "escalation_time" is "48h"
    When these events happen:
      | time   | type            | customer | topic   |
      | +0s    | complaint.filed | c-1      | billing |
      | +1d    | complaint.filed | c-1      | billing |
      | +2d    | complaint.filed | c-1      | billing |
      | +3d12h | case.escalated  | c-1      | billing |
    Then there are no violations

  Scenario: Without the override the same escalation is late
    Given the policy "complaints.escalate-repeat" from "policies/"
    When these events happen:
      | time   | type            | customer | topic   |
      | +0s    | complaint.filed | c-1      | billing |
      | +1d    | complaint.filed | c-1      | billing |
      | +2d    | complaint.filed | c-1      | billing |
      | +3d12h | case.escalated  | c-1      | billing |
    Then the violations are:
      | policy                     | kind | scope                       | start | end |
      | complaints.escalate-repeat | late | customer=c-1, topic=billing | +2d   | +3d |

  # ------------------------------------------------------------ complaints.answer-in-time
  # The support desk (calendar support_tr): Istanbul, Mon-Fri 09:00-18:00, Sat 10:00-14:00,
  # Turkish public holidays. 2026-03-02 is a Monday.

  Scenario: An answer within 16 business hours
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type               | complaint |
      | 2026-03-02T10:00:00 | complaint.filed    | k-1       |
      | 2026-03-03T16:00:00 | complaint.answered | k-1       |
    Then there are no violations
    And policy "complaints.answer-in-time" has 1 satisfied, 0 violated and 0 pending

  Scenario: Monday 10:00 plus 16 business hours is Tuesday 17:00, inclusive
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type               | complaint |
      | 2026-03-02T10:00:00 | complaint.filed    | k-1       |
      | 2026-03-03T17:00:00 | complaint.answered | k-1       |
    Then there are no violations

  Scenario: Half an hour after the business deadline is late
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type               | complaint |
      | 2026-03-02T10:00:00 | complaint.filed    | k-1       |
      | 2026-03-03T17:30:00 | complaint.answered | k-1       |
    Then the violations are:
      | policy                    | kind | scope         | start               | end                 | severity |
      | complaints.answer-in-time | late | complaint=k-1 | 2026-03-02T10:00:00 | 2026-03-03T17:00:00 | medium   |

  Scenario: The clock stops while we wait on the customer (paused while)
    # 2 business hours run on Monday before the question; 14 are left when the customer replies
    # on Tuesday 12:00: 6 on Tuesday and 8 on Wednesday, so the deadline is Wednesday 17:00.
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type                       | complaint |
      | 2026-03-02T10:00:00 | complaint.filed            | k-1       |
      | 2026-03-02T12:00:00 | followup.awaiting_customer | k-1       |
      | 2026-03-03T12:00:00 | followup.customer_replied  | k-1       |
      | 2026-03-04T16:00:00 | complaint.answered         | k-1       |
    Then there are no violations
    And policy "complaints.answer-in-time" has 1 satisfied, 0 violated and 0 pending

  Scenario: After the pause the clock runs out on Wednesday 17:00
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type                       | complaint |
      | 2026-03-02T10:00:00 | complaint.filed            | k-1       |
      | 2026-03-02T12:00:00 | followup.awaiting_customer | k-1       |
      | 2026-03-03T12:00:00 | followup.customer_replied  | k-1       |
      | 2026-03-05T10:00:00 | complaint.answered         | k-1       |
    Then the violations are:
      | policy                    | kind | scope         | start               | end                 |
      | complaints.answer-in-time | late | complaint=k-1 | 2026-03-02T10:00:00 | 2026-03-04T17:00:00 |
    And the violation sentence contains "deadline 2026-03-04 17:00:00+03:00"

  Scenario: A clock paused at the horizon has no deadline yet
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type                       | complaint |
      | 2026-03-02T10:00:00 | complaint.filed            | k-1       |
      | 2026-03-02T12:00:00 | followup.awaiting_customer | k-1       |
    And the audit is as of "2026-03-09T10:00:00"
    Then there are no violations
    And there is 1 pending obligation with no deadline

  Scenario: An answer still due at the horizon is pending with its business deadline
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type            | complaint |
      | 2026-03-02T10:00:00 | complaint.filed | k-1       |
    And the audit is as of "2026-03-02T15:00:00"
    Then there are no violations
    And there is 1 pending obligation with deadline "2026-03-03T17:00:00"

  Scenario: Friday 16:00 counts Friday, Saturday's short day and Monday (business hours)
    # Friday 2h + Saturday 4h + Monday 9h = 15h; the 16th hour ends Tuesday 10:00.
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type            | complaint |
      | 2026-03-06T16:00:00 | complaint.filed | k-1       |
    And the audit is as of "2026-03-11T10:00:00"
    Then the violations are:
      | policy                    | kind    | scope         | start               | end                 |
      | complaints.answer-in-time | missing | complaint=k-1 | 2026-03-06T16:00:00 | 2026-03-10T10:00:00 |

  Scenario: The Ramadan Feast holidays do not count
    # Thursday 19 March: 8h; Friday 20 and Saturday 21 are Eid al-Fitr, Sunday is closed;
    # the remaining 8h end Monday 23 March 17:00.
    Given the policy "complaints.answer-in-time" from "policies/"
    When these events happen:
      | time                | type            | complaint |
      | 2026-03-19T10:00:00 | complaint.filed | k-1       |
    And the audit is as of "2026-03-23T12:00:00"
    Then there are no violations
    And there is 1 pending obligation with deadline "2026-03-23T17:00:00"

  # ------------------------------------------------------------ complaints.repeat-limit

  Scenario: Three complaints in 90 days are tolerated
    Given the policy "complaints.repeat-limit" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +10d | complaint.filed | c-1      | billing |
      | +20d | complaint.filed | c-1      | billing |
      | +30d | complaint.filed | c-1      | returns |
    Then there are no violations
    And policy "complaints.repeat-limit" has 4 satisfied, 0 violated and 0 pending

  Scenario: The fourth complaint about the same thing breaks the rate limit
    Given the policy "complaints.repeat-limit" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +10d | complaint.filed | c-1      | billing |
      | +20d | complaint.filed | c-1      | billing |
      | +30d | complaint.filed | c-1      | billing |
      | +31d | complaint.filed | c-1      | billing |
    Then the violations are:
      | policy                  | kind          | scope                       | start | end  | severity |
      | complaints.repeat-limit | rate_exceeded | customer=c-1, topic=billing | +0s   | +30d | critical |
      | complaints.repeat-limit | rate_exceeded | customer=c-1, topic=billing | +0s   | +31d | critical |
    And policy "complaints.repeat-limit" has 3 satisfied, 2 violated and 0 pending

  Scenario: A fourth complaint exactly 90 days after the first still counts
    Given the policy "complaints.repeat-limit" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +40d | complaint.filed | c-1      | billing |
      | +80d | complaint.filed | c-1      | billing |
      | +90d | complaint.filed | c-1      | billing |
    Then the violations are:
      | policy                  | kind          | scope                       | start | end  |
      | complaints.repeat-limit | rate_exceeded | customer=c-1, topic=billing | +0s   | +90d |

  Scenario: A fourth complaint a second after the 90 days does not
    Given the policy "complaints.repeat-limit" from "policies/"
    When these events happen:
      | time    | type            | customer | topic   |
      | +90d1s  | complaint.filed | c-1      | billing |
      | +0s     | complaint.filed | c-1      | billing |
      | +80d    | complaint.filed | c-1      | billing |
      | +40d    | complaint.filed | c-1      | billing |
    Then there are no violations

  # ------------------------------------------------------------ complaints.repeat-rate

  Scenario: One repeat complaint in four is 25%, above the 10% limit
    Given the policy "complaints.repeat-rate" from "policies/"
    When these events happen:
      | time | type            | customer | topic   |
      | +0s  | complaint.filed | c-1      | billing |
      | +1d  | complaint.filed | c-2      | billing |
      | +2d  | complaint.filed | c-3      | billing |
      | +3d  | complaint.filed | c-1      | billing |
    Then the metric "repeat_rate" on bucket "2026-03" is 25% and "violated"
    And the violations are:
      | policy                 | kind   | scope         | start               | end                 | severity |
      | complaints.repeat-rate | metric | month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 | high     |

  Scenario: One repeat in ten is exactly 10%: allowed, but above the 5% warning level
    Given the policy "complaints.repeat-rate" from "policies/"
    When these events happen:
      | time | type            | customer | topic    |
      | +0s  | complaint.filed | c-1      | billing  |
      | +1h  | complaint.filed | c-2      | billing  |
      | +2h  | complaint.filed | c-3      | billing  |
      | +3h  | complaint.filed | c-4      | billing  |
      | +4h  | complaint.filed | c-5      | billing  |
      | +5h  | complaint.filed | c-6      | billing  |
      | +6h  | complaint.filed | c-7      | billing  |
      | +7h  | complaint.filed | c-8      | billing  |
      | +8h  | complaint.filed | c-1      | delivery |
      | +9h  | complaint.filed | c-1      | billing  |
    Then the metric "repeat_rate" on bucket "2026-03" is 10% and "warn"
    And the violations are:
      | policy                 | kind           | scope         | start               | end                 |
      | complaints.repeat-rate | metric_warning | month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 |

  Scenario: Each month is judged on its own
    Given the policy "complaints.repeat-rate" from "policies/"
    When these events happen:
      | time                | type            | customer | topic   |
      | 2026-03-30T10:00:00 | complaint.filed | c-1      | billing |
      | 2026-04-01T10:00:00 | complaint.filed | c-1      | billing |
      | 2026-04-02T10:00:00 | complaint.filed | c-2      | billing |
    Then the metric "repeat_rate" on bucket "2026-03" is 0% and "ok"
    And the metric "repeat_rate" on bucket "2026-04" is 50% and "violated"
    And there is 1 violation

  # ------------------------------------------------------------ complaints.quiet-after-complaint

  Scenario: No marketing in the week after a complaint
    Given the policy "complaints.quiet-after-complaint" from "policies/"
    When these events happen:
      | time   | type            | customer |
      | +0s    | complaint.filed | c-1      |
      | +3d    | marketing.sent  | c-2      |
      | +7d1s  | marketing.sent  | c-1      |
    Then there are no violations
    And policy "complaints.quiet-after-complaint" has 1 satisfied, 0 violated and 0 pending

  Scenario: A newsletter three days after a complaint
    Given the policy "complaints.quiet-after-complaint" from "policies/"
    When these events happen:
      | time | type            | customer |
      | +0s  | complaint.filed | c-1      |
      | +3d  | marketing.sent  | c-1      |
    Then the violations are:
      | policy                           | kind      | scope        | start | end | severity |
      | complaints.quiet-after-complaint | forbidden | customer=c-1 | +0s   | +3d | low      |

  Scenario: A newsletter exactly seven days later is still inside the quiet week
    Given the policy "complaints.quiet-after-complaint" from "policies/"
    When these events happen:
      | time | type            | customer |
      | +0s  | complaint.filed | c-1      |
      | +7d  | marketing.sent  | c-1      |
    Then the violations are:
      | policy                           | kind      | scope        | start | end |
      | complaints.quiet-after-complaint | forbidden | customer=c-1 | +0s   | +7d |

  Scenario: Once the complaint is resolved marketing may resume (unless)
    Given the policy "complaints.quiet-after-complaint" from "policies/"
    When these events happen:
      | time | type            | customer |
      | +0s  | complaint.filed | c-1      |
      | +1d  | case.resolved   | c-1      |
      | +3d  | marketing.sent  | c-1      |
    Then there are no violations

  Scenario: A quiet week still running at the horizon is pending
    Given the policy "complaints.quiet-after-complaint" from "policies/"
    When these events happen:
      | time | type            | customer |
      | +0s  | complaint.filed | c-1      |
    And the audit is as of "+2d"
    Then there are no violations
    And there is 1 pending obligation with deadline "+7d"
