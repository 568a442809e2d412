Feature: Delivery and returns (seeds 002 and 003)
  Delivery in two days instead of seven, same-day delivery for Bucharest orders placed before
  noon, two-click returns, and few complaints per order.

  Background:
    Given the log zone is "Europe/Bucharest"
    And the time is "2026-03-02T10:00:00"

  # ------------------------------------------------------------ delivery.in-two-days

  Scenario: Delivered the next day, or exactly two days later
    Given the policy "delivery.in-two-days" from "policies/"
    When these events happen:
      | time | type            | order |
      | +0s  | order.placed    | o-1   |
      | +0s  | order.placed    | o-2   |
      | +1d  | order.delivered | o-1   |
      | +2d  | order.delivered | o-2   |
    Then there are no violations
    And policy "delivery.in-two-days" has 2 satisfied, 0 violated and 0 pending

  Scenario: Delivered a minute after the promise
    Given the policy "delivery.in-two-days" from "policies/"
    When these events happen:
      | time     | type            | order |
      | +0s      | order.placed    | o-1   |
      | +2d1min  | order.delivered | o-1   |
    Then the violations are:
      | policy               | kind | scope     | start | end | fulfilled_at | severity |
      | delivery.in-two-days | late | order=o-1 | +0s   | +2d | +2d1min      | high     |

  Scenario: A day is 24 elapsed hours, even when the clocks go forward
    # Bucharest moves from 03:00 to 04:00 on Sunday 29 March. With one day to deliver, o-1
    # placed on Saturday at 12:00 (+02:00) and delivered on Sunday at 12:30 (+03:00) took 23h30m:
    # in time, though the wall clock moved 24h30m. o-2's deadline is Sunday 13:00 (+03:00),
    # 24 elapsed hours after the order, not 12:00 by the wall clock; one second later is late.
    Given the policy "delivery.in-two-days" from "policies/"
    And the parameter "delivery_time" is "1d"
    When these events happen:
      | time                      | type            | order |
      | 2026-03-28T12:00:00+02:00 | order.placed    | o-1   |
      | 2026-03-29T12:30:00+03:00 | order.delivered | o-1   |
      | 2026-03-28T12:00:00+02:00 | order.placed    | o-2   |
      | 2026-03-29T13:00:01+03:00 | order.delivered | o-2   |
    Then the violations are:
      | policy               | kind | scope     | start                     | end                       | fulfilled_at              |
      | delivery.in-two-days | late | order=o-2 | 2026-03-28T12:00:00+02:00 | 2026-03-29T13:00:00+03:00 | 2026-03-29T13:00:01+03:00 |

  Scenario: In the hour the clocks go back, a deadline's clock time says which pass it is
    # Bucharest goes back from 04:00 EEST to 03:00 EET on Sunday 25 October. o-1 is placed at
    # 03:10 EEST (00:10 UTC) with one hour to deliver: its deadline is 01:10 UTC, 03:10 EET, the
    # night's second 03:10. Delivered at 04:20 EET (02:20 UTC): 1h10m late. Written as the clock
    # alone, "the deadline 03:10:00" would read as the order's own instant; it carries its offset.
    Given the policy "delivery.in-two-days" from "policies/"
    And the parameter "delivery_time" is "1h"
    When these events happen:
      | time                      | type            | order |
      | 2026-10-25T03:10:00+03:00 | order.placed    | o-1   |
      | 2026-10-25T04:20:00+02:00 | order.delivered | o-1   |
    Then the violations are:
      | policy               | kind | scope     | start                     | end                       | fulfilled_at              |
      | delivery.in-two-days | late | order=o-1 | 2026-10-25T03:10:00+03:00 | 2026-10-25T03:10:00+02:00 | 2026-10-25T04:20:00+02:00 |
    And the violation sentence is "order.placed of order o-1 at 2026-10-25 03:10:00+03:00: order.delivered only at 2026-10-25 04:20:00+02:00, 1h10m after the deadline 03:10:00+02:00 (within 1h)"

  Scenario: Another order's delivery does not count
    Given the policy "delivery.in-two-days" from "policies/"
    When these events happen:
      | time | type            | order |
      | +0s  | order.placed    | o-1   |
      | +1d  | order.delivered | o-2   |
    And the audit is as of "+3d"
    Then the violations are:
      | policy               | kind    | scope     | start | end |
      | delivery.in-two-days | missing | order=o-1 | +0s   | +2d |

  Scenario: A cancelled order needs no delivery (unless)
    Given the policy "delivery.in-two-days" from "policies/"
    When these events happen:
      | time | type            | order |
      | +0s  | order.placed    | o-1   |
      | +1h  | order.cancelled | o-1   |
    And the audit is as of "+5d"
    Then there are no violations
    And policy "delivery.in-two-days" has 0 satisfied, 0 violated and 0 pending

  Scenario: An order on its way at the horizon is pending, not late
    Given the policy "delivery.in-two-days" from "policies/"
    When these events happen:
      | time | type         | order |
      | +0s  | order.placed | o-1   |
    And the audit is as of "+1d"
    Then there are no violations
    And there is 1 pending obligation with deadline "+2d"

  Scenario: A shop promising one day overrides the delivery time
    Given the policy "delivery.in-two-days" from "policies/"
    And the parameter "delivery_time" is "1d"
    When these events happen:
      | time  | type            | order |
      | +0s   | order.placed    | o-1   |
      | +36h  | order.delivered | o-1   |
    Then the violations are:
      | policy               | kind | scope     | start | end |
      | delivery.in-two-days | late | order=o-1 | +0s   | +1d |

  Scenario: Orders without an order number are outside the scope; rows out of order
    Given the policy "delivery.in-two-days" from "policies/"
    When these events happen:
      | time | type            | order |
      | +1d  | order.delivered | o-1   |
      | +0s  | order.placed    | o-1   |
      | +1h  | order.placed    |       |
    Then there are no violations
    And policy "delivery.in-two-days" has 1 events outside its scope
    And policy "delivery.in-two-days" has 1 satisfied, 0 violated and 0 pending

  # ------------------------------------------------------------ delivery.same-day-bucharest

  Scenario: A morning order delivered that evening
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                | type            | order | city      |
      | 2026-03-02T10:00:00 | order.placed    | o-1   | Bucharest |
      | 2026-03-02T21:00:00 | order.delivered | o-1   |           |
    Then there are no violations
    And policy "delivery.same-day-bucharest" has 1 satisfied, 0 violated and 0 pending

  Scenario: The end of the day is the next midnight, which the day excludes
    # o-2's delivery at midnight is late: the report shows the deadline as that midnight (not
    # 23:59:59.999999), and the sentence does not call it "0s after the deadline".
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                | type            | order | city      |
      | 2026-03-02T11:59:00 | order.placed    | o-1   | Bucharest |
      | 2026-03-02T11:59:00 | order.placed    | o-2   | Bucharest |
      | 2026-03-02T23:59:59 | order.delivered | o-1   |           |
      | 2026-03-03T00:00:00 | order.delivered | o-2   |           |
    Then the violations are:
      | policy                      | kind | scope     | start               | end                 | severity |
      | delivery.same-day-bucharest | late | order=o-2 | 2026-03-02T11:59:00 | 2026-03-03T00:00:00 | medium   |
    And the violation sentence is "order.placed of order o-2 at 2026-03-02 11:59:00+02:00: order.delivered only at 2026-03-03 00:00:00+02:00, when the day had ended (by end of day)"
    And the violation details are:
      | key      | value               |
      | deadline | 2026-03-03T00:00:00 |

  Scenario: Never delivered: the obligation ended at midnight
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                | type         | order | city      |
      | 2026-03-02T10:00:00 | order.placed | o-1   | Bucharest |
    And the audit is as of "2026-03-03T09:00:00"
    Then the violations are:
      | policy                      | kind    | scope     | start               | end                 |
      | delivery.same-day-bucharest | missing | order=o-1 | 2026-03-02T10:00:00 | 2026-03-03T00:00:00 |

  Scenario: Orders at noon or later, or outside Bucharest, are not promised the same day
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                | type         | order | city      |
      | 2026-03-02T12:00:00 | order.placed | o-1   | Bucharest |
      | 2026-03-02T09:00:00 | order.placed | o-2   | Cluj      |
    And the audit is as of "2026-03-05T00:00:00"
    Then there are no violations
    And policy "delivery.same-day-bucharest" is vacuously satisfied

  Scenario: Noon is read on Bucharest's clock, whatever the log's offset
    # 10:30 UTC is 12:30 in Bucharest: not a morning order.
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                 | type         | order | city      |
      | 2026-03-02T10:30:00Z | order.placed | o-1   | Bucharest |
      | 2026-03-02T09:30:00Z | order.placed | o-2   | Bucharest |
    And the audit is as of "2026-03-04T00:00:00"
    Then the violations are:
      | policy                      | kind    | scope     | start               | end                 |
      | delivery.same-day-bucharest | missing | order=o-2 | 2026-03-02T11:30:00 | 2026-03-03T00:00:00 |

  Scenario: The short day when clocks go forward still ends at local midnight
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                      | type            | order | city      |
      | 2026-03-29T10:00:00+03:00 | order.placed    | o-1   | Bucharest |
      | 2026-03-29T23:30:00+03:00 | order.delivered | o-1   |           |
    Then there are no violations
    And policy "delivery.same-day-bucharest" has 1 satisfied, 0 violated and 0 pending

  Scenario: A same-day delivery still possible at the horizon is pending
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                | type         | order | city      |
      | 2026-03-02T10:00:00 | order.placed | o-1   | Bucharest |
    And the audit is as of "2026-03-02T15:00:00"
    Then there are no violations
    And there is 1 pending obligation with deadline "2026-03-03T00:00:00"

  Scenario: A cancelled morning order needs no delivery
    Given the policy "delivery.same-day-bucharest" from "policies/"
    When these events happen:
      | time                | type            | order | city      |
      | 2026-03-02T10:00:00 | order.placed    | o-1   | Bucharest |
      | 2026-03-02T10:05:00 | order.cancelled | o-1   |           |
    And the audit is as of "2026-03-03T12:00:00"
    Then there are no violations

  # ------------------------------------------------------------ delivery.two-click-returns

  Scenario: Returns in one or two clicks
    Given the policy "delivery.two-click-returns" from "policies/"
    When these events happen:
      | time  | type             | order | clicks |
      | +0s   | return.requested | o-1   | 1      |
      | +1min | return.requested | o-2   | 2      |
    Then there are no violations
    And policy "delivery.two-click-returns" has 2 satisfied, 0 violated and 0 pending

  Scenario: A return that took three clicks
    Given the policy "delivery.two-click-returns" from "policies/"
    When these events happen:
      | time  | type             | order | clicks |
      | +0s   | return.requested | o-1   | 3      |
      | +1min | return.requested | o-2   | 2      |
    Then the violations are:
      | policy                     | kind      | scope | start | end | severity |
      | delivery.two-click-returns | forbidden |       | +0s   | +0s | low      |

  # ------------------------------------------------------------ delivery.complaints-per-order

  Scenario: No complaints on three orders is 0%
    Given the policy "delivery.complaints-per-order" from "policies/"
    When these events happen:
      | time | type         | order |
      | +0s  | order.placed | o-1   |
      | +1d  | order.placed | o-2   |
      | +2d  | order.placed | o-3   |
    Then the metric "complaint_rate" on bucket "2026-03" is 0% and "ok"
    And there are no violations

  Scenario: One complaint on two orders is 50%
    Given the policy "delivery.complaints-per-order" from "policies/"
    When these events happen:
      | time | type            | order |
      | +0s  | order.placed    | o-1   |
      | +1d  | order.placed    | o-2   |
      | +2d  | complaint.filed | o-2   |
    Then the metric "complaint_rate" on bucket "2026-03" is 50% and "violated"
    And the violations are:
      | policy                        | kind   | scope         | start               | end                 |
      | delivery.complaints-per-order | metric | month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 |

  Scenario: A month with complaints but no orders is not applicable, never 100%
    # 22:30 UTC on 31 March is already 1 April in Bucharest.
    Given the policy "delivery.complaints-per-order" from "policies/"
    When these events happen:
      | time                 | type            | order |
      | 2026-03-02T10:00:00  | order.placed    | o-1   |
      | 2026-03-31T22:30:00Z | complaint.filed | o-1   |
    Then the metric "complaint_rate" on bucket "2026-03" is 0% and "ok"
    And the metric "complaint_rate" on bucket "2026-04" is not applicable
    And there are no violations

  Scenario: A ratio of two counts may pass 100%: three complaints on two orders is 150%
    # hunt19: a share is a part of its population (0% to 100%), a ratio of two counts is not.
    # 'At most 1.2 complaints per order' is written 120%, which the checker refused (E209) as
    # out of range. 3 / 2 = 150%: over 120%, a violation; 1 / 1 in April is 100%, at the
    # warning level, fine.
    Given the policy:
      """
      policy delivery.complaints-per-order-cap "At most 1.2 complaints per order a month"
        zone "Europe/Bucharest"
        metric per_order = ratio(complaint.filed, order.placed)
          per month
        require per_order <= 120% warn above 100%
      """
    When these events happen:
      | time                | type            | order |
      | +0s                 | order.placed    | o-1   |
      | +1d                 | order.placed    | o-2   |
      | +2d                 | complaint.filed | o-1   |
      | +3d                 | complaint.filed | o-2   |
      | +4d                 | complaint.filed | o-2   |
      | 2026-04-02T10:00:00 | order.placed    | o-3   |
      | 2026-04-03T10:00:00 | complaint.filed | o-3   |
    Then the metric "per_order" on bucket "2026-03" is 150% and "violated"
    And the metric "per_order" on bucket "2026-04" is 100% and "ok"
    And the violations are:
      | policy                            | kind   | scope         | start               | end                 |
      | delivery.complaints-per-order-cap | metric | month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 |
