Feature: Survey KPIs (seeds 000, 002 and 003)
  NPS, CSAT and CES per store and month, an action after every NPS review, and a follow-up call
  to every detractor within 48 business hours of the Istanbul desk.

  Background:
    Given the log zone is "Europe/Istanbul"
    And the time is "2026-03-02T09:00:00"

  # ------------------------------------------------------------ kpi.nps

  Scenario: Four answers are too few to judge the NPS
    # (2 promoters - 1 detractor) / 4 answers = 25; the CSAT answer and the score 11 are no NPS
    # answers on the 0-10 scale.
    Given the policy "kpi.nps" from "policies/"
    When these events happen:
      | time  | type            | customer | store | kind | score |
      | +0s   | survey.answered | u-1      | s-1   | nps  | 10    |
      | +1h   | survey.answered | u-2      | s-1   | nps  | 9     |
      | +2h   | survey.answered | u-3      | s-1   | nps  | 7     |
      | +3h   | survey.answered | u-4      | s-1   | nps  | 3     |
      | +4h   | survey.answered | u-5      | s-1   | csat | 1     |
      | +5h   | survey.answered | u-6      | s-1   | nps  | 11    |
    Then the metric "nps" for store=s-1 on bucket "2026-03" is 25 and "insufficient"
    And there are no violations

  Scenario: 15 promoters, 9 passives and 6 detractors give an NPS of 30
    Given the policy "kpi.nps" from "policies/"
    When these events happen:
      | time  | type            | customer | store | kind | score |
      | +0h   | survey.answered | u-00     | s-1   | nps  | 10    |
      | +1h   | survey.answered | u-01     | s-1   | nps  | 10    |
      | +2h   | survey.answered | u-02     | s-1   | nps  | 10    |
      | +3h   | survey.answered | u-03     | s-1   | nps  | 10    |
      | +4h   | survey.answered | u-04     | s-1   | nps  | 10    |
      | +5h   | survey.answered | u-05     | s-1   | nps  | 10    |
      | +6h   | survey.answered | u-06     | s-1   | nps  | 10    |
      | +7h   | survey.answered | u-07     | s-1   | nps  | 10    |
      | +8h   | survey.answered | u-08     | s-1   | nps  | 10    |
      | +9h   | survey.answered | u-09     | s-1   | nps  | 10    |
      | +10h   | survey.answered | u-10     | s-1   | nps  | 10    |
      | +11h   | survey.answered | u-11     | s-1   | nps  | 10    |
      | +12h   | survey.answered | u-12     | s-1   | nps  | 10    |
      | +13h   | survey.answered | u-13     | s-1   | nps  | 10    |
      | +14h   | survey.answered | u-14     | s-1   | nps  | 10    |
      | +15h   | survey.answered | u-15     | s-1   | nps  | 8    |
      | +16h   | survey.answered | u-16     | s-1   | nps  | 8    |
      | +17h   | survey.answered | u-17     | s-1   | nps  | 8    |
      | +18h   | survey.answered | u-18     | s-1   | nps  | 8    |
      | +19h   | survey.answered | u-19     | s-1   | nps  | 8    |
      | +20h   | survey.answered | u-20     | s-1   | nps  | 8    |
      | +21h   | survey.answered | u-21     | s-1   | nps  | 8    |
      | +22h   | survey.answered | u-22     | s-1   | nps  | 8    |
      | +23h   | survey.answered | u-23     | s-1   | nps  | 8    |
      | +24h   | survey.answered | u-24     | s-1   | nps  | 5    |
      | +25h   | survey.answered | u-25     | s-1   | nps  | 5    |
      | +26h   | survey.answered | u-26     | s-1   | nps  | 5    |
      | +27h   | survey.answered | u-27     | s-1   | nps  | 5    |
      | +28h   | survey.answered | u-28     | s-1   | nps  | 5    |
      | +29h   | survey.answered | u-29     | s-1   | nps  | 5    |
    Then the metric "nps" for store=s-1 on bucket "2026-03" is 30 and "violated"
    And the violations are:
      | policy  | kind   | scope                    | start               | end                 | severity |
      | kpi.nps | metric | store=s-1, month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 | high     |
    And the violation sentence is "nps for store=s-1 in month 2026-03 was 30 (15 promoters and 6 detractors of 30 answers; required >= 40)"
    And the violation details are:
      | key         | value   |
      | value       | 30      |
      | population  | 30      |
      | promoters   | 15      |
      | detractors  | 6       |
      | denominator | 30      |
      | bucket      | 2026-03 |

  Scenario: An NPS of exactly 40 meets the target but is under the warning level of 50
    Given the policy "kpi.nps" from "policies/"
    When these events happen:
      | time  | type            | customer | store | kind | score |
      | +0h   | survey.answered | u-00     | s-1   | nps  | 9    |
      | +1h   | survey.answered | u-01     | s-1   | nps  | 9    |
      | +2h   | survey.answered | u-02     | s-1   | nps  | 9    |
      | +3h   | survey.answered | u-03     | s-1   | nps  | 9    |
      | +4h   | survey.answered | u-04     | s-1   | nps  | 9    |
      | +5h   | survey.answered | u-05     | s-1   | nps  | 9    |
      | +6h   | survey.answered | u-06     | s-1   | nps  | 9    |
      | +7h   | survey.answered | u-07     | s-1   | nps  | 9    |
      | +8h   | survey.answered | u-08     | s-1   | nps  | 9    |
      | +9h   | survey.answered | u-09     | s-1   | nps  | 9    |
      | +10h   | survey.answered | u-10     | s-1   | nps  | 9    |
      | +11h   | survey.answered | u-11     | s-1   | nps  | 9    |
      | +12h   | survey.answered | u-12     | s-1   | nps  | 9    |
      | +13h   | survey.answered | u-13     | s-1   | nps  | 9    |
      | +14h   | survey.answered | u-14     | s-1   | nps  | 9    |
      | +15h   | survey.answered | u-15     | s-1   | nps  | 9    |
      | +16h   | survey.answered | u-16     | s-1   | nps  | 9    |
      | +17h   | survey.answered | u-17     | s-1   | nps  | 9    |
      | +18h   | survey.answered | u-18     | s-1   | nps  | 7    |
      | +19h   | survey.answered | u-19     | s-1   | nps  | 7    |
      | +20h   | survey.answered | u-20     | s-1   | nps  | 7    |
      | +21h   | survey.answered | u-21     | s-1   | nps  | 7    |
      | +22h   | survey.answered | u-22     | s-1   | nps  | 7    |
      | +23h   | survey.answered | u-23     | s-1   | nps  | 7    |
      | +24h   | survey.answered | u-24     | s-1   | nps  | 0    |
      | +25h   | survey.answered | u-25     | s-1   | nps  | 0    |
      | +26h   | survey.answered | u-26     | s-1   | nps  | 0    |
      | +27h   | survey.answered | u-27     | s-1   | nps  | 0    |
      | +28h   | survey.answered | u-28     | s-1   | nps  | 0    |
      | +29h   | survey.answered | u-29     | s-1   | nps  | 0    |
    Then the metric "nps" for store=s-1 on bucket "2026-03" is 40 and "warn"
    And the violations are:
      | policy  | kind           | scope                    | start               | end                 |
      | kpi.nps | metric_warning | store=s-1, month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 |
    And policy "kpi.nps" has 1 satisfied, 0 violated and 0 pending

  # ------------------------------------------------------------ kpi.csat

  Scenario: CSAT counts the 4 and 5 answers, per store
    Given the policy "kpi.csat" from "policies/"
    When these events happen:
      | time | type            | customer | store | kind | score |
      | +0h  | survey.answered | u-1      | s-1   | csat | 5     |
      | +1h  | survey.answered | u-2      | s-1   | csat | 5     |
      | +2h  | survey.answered | u-3      | s-1   | csat | 4     |
      | +3h  | survey.answered | u-4      | s-1   | csat | 4     |
      | +4h  | survey.answered | u-5      | s-2   | csat | 5     |
      | +5h  | survey.answered | u-6      | s-2   | csat | 4     |
      | +6h  | survey.answered | u-7      | s-2   | csat | 3     |
      | +7h  | survey.answered | u-8      | s-2   | csat | 2     |
      | +8h  | survey.answered | u-9      | s-2   | csat | 1     |
      | +9h  | survey.answered | u-10     | s-2   | nps  | 1     |
    Then the metric "csat" for store=s-1 on bucket "2026-03" is 100% and "ok"
    And the metric "csat" for store=s-2 on bucket "2026-03" is 40% and "violated"
    And the violations are:
      | policy   | kind   | scope                    | start               | end                 | severity |
      | kpi.csat | metric | store=s-2, month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 | medium   |

  Scenario: A CSAT of exactly 80% meets the target, under the warning level of 85%
    Given the policy "kpi.csat" from "policies/"
    When these events happen:
      | time | type            | customer | store | kind | score |
      | +0h  | survey.answered | u-1      | s-1   | csat | 5     |
      | +1h  | survey.answered | u-2      | s-1   | csat | 4     |
      | +2h  | survey.answered | u-3      | s-1   | csat | 4     |
      | +3h  | survey.answered | u-4      | s-1   | csat | 3     |
      | +4h  | survey.answered | u-5      | s-1   | csat | 5     |
      | +5h  | survey.answered | u-6      |       | csat | 1     |
    Then the metric "csat" for store=s-1 on bucket "2026-03" is 80% and "warn"
    And the violations are:
      | policy   | kind           | scope                    | start               | end                 |
      | kpi.csat | metric_warning | store=s-1, month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 |
    And policy "kpi.csat" has 1 events outside its scope

  # ------------------------------------------------------------ kpi.ces

  Scenario: A CES of exactly 5 meets the target
    Given the policy "kpi.ces" from "policies/"
    When these events happen:
      | time | type            | customer | kind | score |
      | +0h  | survey.answered | u-1      | ces  | 5     |
      | +1h  | survey.answered | u-2      | ces  | 6     |
      | +2h  | survey.answered | u-3      | ces  | 4     |
      | +3h  | survey.answered | u-4      | ces  | 8     |
    Then the metric "ces" on bucket "2026-03" is 5 and "ok"
    And there are no violations

  Scenario: A CES of 4.5 is below the target
    Given the policy "kpi.ces" from "policies/"
    When these events happen:
      | time | type            | customer | kind | score |
      | +0h  | survey.answered | u-1      | ces  | 4     |
      | +1h  | survey.answered | u-2      | ces  | 5     |
    Then the metric "ces" on bucket "2026-03" is 4.5 and "violated"
    And the violations are:
      | policy  | kind   | scope         | start               | end                 | severity |
      | kpi.ces | metric | month=2026-03 | 2026-03-01T00:00:00 | 2026-04-01T00:00:00 | medium   |

  # ------------------------------------------------------------ kpi.nps-review-action

  Scenario: Every NPS review is followed by an action within 7 days, inclusive
    Given the policy "kpi.nps-review-action" from "policies/"
    When these events happen:
      | time | type            | customer | kind | score |
      | +0s  | survey.answered | u-1      | nps  | 9     |
      | +7d  | action.taken    | u-1      |      |       |
    Then there are no violations
    And policy "kpi.nps-review-action" has 1 satisfied, 0 violated and 0 pending

  Scenario: A review left without action
    Given the policy "kpi.nps-review-action" from "policies/"
    When these events happen:
      | time | type            | customer | kind | score |
      | +0s  | survey.answered | u-1      | nps  | 9     |
      | +1d  | action.taken    | u-2      |      |       |
    And the audit is as of "+8d"
    Then the violations are:
      | policy                | kind    | scope        | start | end | severity |
      | kpi.nps-review-action | missing | customer=u-1 | +0s   | +7d | medium   |

  Scenario: A CSAT answer is no NPS review
    Given the policy "kpi.nps-review-action" from "policies/"
    When these events happen:
      | time | type            | customer | kind | score |
      | +0s  | survey.answered | u-1      | csat | 2     |
    And the audit is as of "+8d"
    Then there are no violations
    And policy "kpi.nps-review-action" is vacuously satisfied

  Scenario: A review answered yesterday is pending
    Given the policy "kpi.nps-review-action" from "policies/"
    When these events happen:
      | time | type            | customer | kind | score |
      | +0s  | survey.answered | u-1      | nps  | 9     |
    And the audit is as of "+1d"
    Then there is 1 pending obligation with deadline "+7d"

  # ------------------------------------------------------------ kpi.detractor-follow-up
  # Desk hours (support_tr): Mon-Fri 09:00-18:00, Sat 10:00-14:00. From Monday 2 March 09:00,
  # 48 business hours are 5 x 9h on Monday-Friday and 3h on Saturday: Saturday 7 March 13:00.

  Scenario: A detractor called back within 48 business hours
    Given the policy "kpi.detractor-follow-up" from "policies/"
    When these events happen:
      | time                | type            | customer | kind | score |
      | 2026-03-02T09:00:00 | survey.answered | u-1      | nps  | 6     |
      | 2026-03-02T09:00:00 | survey.answered | u-2      | nps  | 7     |
      | 2026-03-06T15:00:00 | followup.done   | u-1      |      |       |
    Then there are no violations
    And policy "kpi.detractor-follow-up" has 1 satisfied, 0 violated and 0 pending

  Scenario: A detractor never called back
    Given the policy "kpi.detractor-follow-up" from "policies/"
    When these events happen:
      | time                | type            | customer | kind | score |
      | 2026-03-02T09:00:00 | survey.answered | u-1      | nps  | 3     |
    And the audit is as of "2026-03-09T09:00:00"
    Then the violations are:
      | policy                  | kind    | scope        | start               | end                 | severity |
      | kpi.detractor-follow-up | missing | customer=u-1 | 2026-03-02T09:00:00 | 2026-03-07T13:00:00 | high     |

  Scenario: Waiting on the customer stops the clock
    # 1h runs on Monday; 47h are left when the customer replies on Tuesday 10:00: 8h Tuesday,
    # 9h Wednesday to Friday, 4h Saturday, and the last 8h end at Monday 9 March 17:00, the
    # moment the follow-up is done (bounds are inclusive).
    Given the policy "kpi.detractor-follow-up" from "policies/"
    When these events happen:
      | time                | type                       | customer | kind | score |
      | 2026-03-02T09:00:00 | survey.answered            | u-1      | nps  | 0     |
      | 2026-03-02T10:00:00 | followup.awaiting_customer | u-1      |      |       |
      | 2026-03-03T10:00:00 | followup.customer_replied  | u-1      |      |       |
      | 2026-03-09T17:00:00 | followup.done              | u-1      |      |       |
    Then there are no violations

  Scenario: The paused clock's new deadline is pending at the horizon
    Given the policy "kpi.detractor-follow-up" from "policies/"
    When these events happen:
      | time                | type                       | customer | kind | score |
      | 2026-03-02T09:00:00 | survey.answered            | u-1      | nps  | 0     |
      | 2026-03-02T10:00:00 | followup.awaiting_customer | u-1      |      |       |
      | 2026-03-03T10:00:00 | followup.customer_replied  | u-1      |      |       |
    And the audit is as of "2026-03-09T12:00:00"
    Then there are no violations
    And there is 1 pending obligation with deadline "2026-03-09T17:00:00"

  Scenario: CES is judged per Istanbul month, whatever the row order
    Given the policy "kpi.ces" from "policies/"
    When these events happen:
      | time                 | type            | customer | kind | score |
      | 2026-03-01T10:00:00  | survey.answered | u-2      | ces  | 6     |
      | 2026-02-28T22:00:00Z | survey.answered | u-3      | ces  | 7     |
      | 2026-02-27T10:00:00  | survey.answered | u-1      | ces  | 3     |
    Then the metric "ces" on bucket "2026-02" is 3 and "violated"
    And the metric "ces" on bucket "2026-03" is 6.5 and "ok"
    And the violations are:
      | policy  | kind   | scope         | start               | end                 |
      | kpi.ces | metric | month=2026-02 | 2026-02-01T00:00:00 | 2026-03-01T00:00:00 |

  # ------------------------------------------------------------ issue 12, points 15 and 16

  Scenario: A queue-wait percentile per queue, the queue read from the call's first queueing
    # The queue is an attribute of call.queued, the wait is measured at call.answered: the let
    # is read at each answer, in its call. sales waits 20, 40, 50, 90 s: the nearest rank is
    # ceil(0.9 × 4) = the 4th, 90 s (linear interpolation would give 50 + 0.7 × 40 = 78 s);
    # support waits 10 s. c-6 was never queued: its answer has no queue and is out of scope.
    Given the policy:
      """
      policy callcenter.p90-by-queue "9 in 10 answered callers of each queue wait under a minute"
        severity low
        zone "Europe/Istanbul"
        per call
        let queue_of_call = first(call.queued).queue
        metric p90 = percentile(wait of call.answered, 90, nearest rank) by queue_of_call
          per week
        require p90 <= 1min
      """
    When these events happen:
      | time     | type          | call | queue   | wait |
      | +0s      | call.queued   | c-1  | sales   |      |
      | +1min30s | call.answered | c-1  |         | 90   |
      | +1min    | call.queued   | c-2  | sales   |      |
      | +1min20s | call.answered | c-2  |         | 20   |
      | +2min    | call.queued   | c-3  | sales   |      |
      | +2min40s | call.answered | c-3  |         | 40   |
      | +3min    | call.queued   | c-4  | sales   |      |
      | +3min50s | call.answered | c-4  |         | 50   |
      | +4min    | call.queued   | c-5  | support |      |
      | +4min10s | call.answered | c-5  |         | 10   |
      | +5min    | call.answered | c-6  |         | 5    |
    Then the metric "p90" for queue_of_call=sales on bucket "2026-W10" is 90s and "violated"
    And the metric "p90" for queue_of_call=support on bucket "2026-W10" is 10s and "ok"
    And the violations are:
      | policy                 | kind   | scope                                 | start               | end                 | severity |
      | callcenter.p90-by-queue | metric | queue_of_call=sales, week=2026-W10 | 2026-03-02T00:00:00 | 2026-03-09T00:00:00 | low      |
    And the violation sentence is "p90 for queue_of_call=sales in week 2026-W10 was 1m30s (90th percentile by nearest rank of 4 call.answered; required <= 1min)"
    And the violation details are:
      | key        | value        |
      | value      | 90           |
      | population | 4            |
      | method     | nearest rank |
      | bucket     | 2026-W10     |

  Scenario: Nearest rank and linear interpolation judge the same waits differently
    # Waits 10, 20, 30, 40, 70 s. Nearest rank: ceil(0.9 × 5) = the 5th, 70 s, over a minute.
    # Linear interpolation: rank 0.9 × (5 - 1) = 3.6 (0-based), 40 + 0.6 × (70 - 40) = 58 s.
    Given the policy:
      """
      policy callcenter.p90-nearest "9 in 10 answered callers wait under a minute (nearest rank)"
        severity low
        zone "Europe/Istanbul"
        metric p90_nearest = percentile(wait of call.answered, 90, nearest rank)
          per day
        require p90_nearest <= 1min

      policy callcenter.p90-linear "9 in 10 answered callers wait under a minute (linear)"
        severity low
        zone "Europe/Istanbul"
        metric p90_linear = percentile(wait of call.answered, 90, linear)
          per day
        require p90_linear <= 1min
      """
    When these events happen:
      | time  | type          | call | wait |
      | +0s   | call.answered | c-1  | 10   |
      | +1min | call.answered | c-2  | 20   |
      | +2min | call.answered | c-3  | 30   |
      | +3min | call.answered | c-4  | 40   |
      | +4min | call.answered | c-5  | 70   |
    Then the metric "p90_nearest" on bucket "2026-03-02" is 70s and "violated"
    And the metric "p90_linear" on bucket "2026-03-02" is 58s and "ok"
    And the violations are:
      | policy                  | kind   | scope          | start               | end                 |
      | callcenter.p90-nearest  | metric | day=2026-03-02 | 2026-03-02T00:00:00 | 2026-03-03T00:00:00 |
    And the violation sentence is "p90_nearest in day 2026-03-02 was 1m10s (90th percentile by nearest rank of 5 call.answered; required <= 1min)"
