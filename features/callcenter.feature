Feature: Call centre (seed 002)
  Customers who once waited 5-10 minutes now barely tolerate 1-2: the 80/20 service level, the
  longest wait, abandonment, and answer times. Days are Istanbul days.

  Background:
    Given the log zone is "Europe/Istanbul"
    And the time is "2026-03-02T10:00:00"

  # ------------------------------------------------------------ callcenter.service-level

  Scenario: Fewer than 20 calls are too few to judge the service level
    Given the policy "callcenter.service-level" from "policies/"
    When these events happen:
      | time  | type          | call | queue |
      | +0s   | call.queued   | c-1  | q1    |
      | +5s   | call.answered | c-1  |       |
      | +1min | call.queued   | c-2  | q1    |
      | +1min20s | call.answered | c-2 |    |
      | +2min | call.queued   | c-3  | q1    |
      | +2min10s | call.answered | c-3 |    |
      | +3min | call.queued   | c-4  | q1    |
      | +3min25s | call.answered | c-4 |    |
    Then the metric "service_level" for queue=q1 on bucket "2026-03-02" is 75% and "insufficient"
    And there are no violations

  Scenario: 15 of 20 calls answered within 20 seconds is 75%, below the 80% target
    Given the policy "callcenter.service-level" from "policies/"
    When these events happen:
      | time        | type          | call | queue |
      | +0min       | call.queued   | c-00 | q1    |
      | +0min10s   | call.answered | c-00 |       |
      | +1min       | call.queued   | c-01 | q1    |
      | +1min10s   | call.answered | c-01 |       |
      | +2min       | call.queued   | c-02 | q1    |
      | +2min10s   | call.answered | c-02 |       |
      | +3min       | call.queued   | c-03 | q1    |
      | +3min10s   | call.answered | c-03 |       |
      | +4min       | call.queued   | c-04 | q1    |
      | +4min10s   | call.answered | c-04 |       |
      | +5min       | call.queued   | c-05 | q1    |
      | +5min10s   | call.answered | c-05 |       |
      | +6min       | call.queued   | c-06 | q1    |
      | +6min10s   | call.answered | c-06 |       |
      | +7min       | call.queued   | c-07 | q1    |
      | +7min10s   | call.answered | c-07 |       |
      | +8min       | call.queued   | c-08 | q1    |
      | +8min10s   | call.answered | c-08 |       |
      | +9min       | call.queued   | c-09 | q1    |
      | +9min10s   | call.answered | c-09 |       |
      | +10min       | call.queued   | c-10 | q1    |
      | +10min10s   | call.answered | c-10 |       |
      | +11min       | call.queued   | c-11 | q1    |
      | +11min10s   | call.answered | c-11 |       |
      | +12min       | call.queued   | c-12 | q1    |
      | +12min10s   | call.answered | c-12 |       |
      | +13min       | call.queued   | c-13 | q1    |
      | +13min10s   | call.answered | c-13 |       |
      | +14min       | call.queued   | c-14 | q1    |
      | +14min10s   | call.answered | c-14 |       |
      | +15min       | call.queued   | c-15 | q1    |
      | +15min30s   | call.answered | c-15 |       |
      | +16min       | call.queued   | c-16 | q1    |
      | +16min30s   | call.answered | c-16 |       |
      | +17min       | call.queued   | c-17 | q1    |
      | +17min30s   | call.answered | c-17 |       |
      | +18min       | call.queued   | c-18 | q1    |
      | +18min30s   | call.answered | c-18 |       |
      | +19min       | call.queued   | c-19 | q1    |
      | +19min30s   | call.answered | c-19 |       |
    Then the metric "service_level" for queue=q1 on bucket "2026-03-02" is 75% and "violated"
    # The breach names its day in its scope and spans it, midnight to midnight in Istanbul.
    And the violations are:
      | policy                   | kind   | scope                    | start               | end                 | severity |
      | callcenter.service-level | metric | queue=q1, day=2026-03-02 | 2026-03-02T00:00:00 | 2026-03-03T00:00:00 | high     |
    And the violation sentence is "service_level for queue=q1 in day 2026-03-02 was 75.0% (15 of 20 call.queued followed by call.answered within 20s; required >= 80%)"
    And the violation details are:
      | key         | value         |
      | metric      | service_level |
      | bucket      | 2026-03-02    |
      | value       | 0.75          |
      | population  | 20            |
      | numerator   | 15            |
      | denominator | 20            |
      | threshold   | >= 80%        |
    And policy "callcenter.service-level" has 0 satisfied, 1 violated and 0 pending

  Scenario: 16 of 20 is exactly the 80% target: met, but under the 85% warning level
    Given the policy "callcenter.service-level" from "policies/"
    When these events happen:
      | time        | type          | call | queue |
      | +0min       | call.queued   | c-00 | q1    |
      | +0min10s   | call.answered | c-00 |       |
      | +1min       | call.queued   | c-01 | q1    |
      | +1min10s   | call.answered | c-01 |       |
      | +2min       | call.queued   | c-02 | q1    |
      | +2min10s   | call.answered | c-02 |       |
      | +3min       | call.queued   | c-03 | q1    |
      | +3min10s   | call.answered | c-03 |       |
      | +4min       | call.queued   | c-04 | q1    |
      | +4min10s   | call.answered | c-04 |       |
      | +5min       | call.queued   | c-05 | q1    |
      | +5min10s   | call.answered | c-05 |       |
      | +6min       | call.queued   | c-06 | q1    |
      | +6min10s   | call.answered | c-06 |       |
      | +7min       | call.queued   | c-07 | q1    |
      | +7min10s   | call.answered | c-07 |       |
      | +8min       | call.queued   | c-08 | q1    |
      | +8min10s   | call.answered | c-08 |       |
      | +9min       | call.queued   | c-09 | q1    |
      | +9min10s   | call.answered | c-09 |       |
      | +10min       | call.queued   | c-10 | q1    |
      | +10min10s   | call.answered | c-10 |       |
      | +11min       | call.queued   | c-11 | q1    |
      | +11min10s   | call.answered | c-11 |       |
      | +12min       | call.queued   | c-12 | q1    |
      | +12min10s   | call.answered | c-12 |       |
      | +13min       | call.queued   | c-13 | q1    |
      | +13min10s   | call.answered | c-13 |       |
      | +14min       | call.queued   | c-14 | q1    |
      | +14min10s   | call.answered | c-14 |       |
      | +15min       | call.queued   | c-15 | q1    |
      | +15min10s   | call.answered | c-15 |       |
      | +16min       | call.queued   | c-16 | q1    |
      | +16min30s   | call.answered | c-16 |       |
      | +17min       | call.queued   | c-17 | q1    |
      | +17min30s   | call.answered | c-17 |       |
      | +18min       | call.queued   | c-18 | q1    |
      | +18min30s   | call.answered | c-18 |       |
      | +19min       | call.queued   | c-19 | q1    |
      | +19min30s   | call.answered | c-19 |       |
    Then the metric "service_level" for queue=q1 on bucket "2026-03-02" is 80% and "warn"
    And the violations are:
      | policy                   | kind           | scope                    | start               | end                 |
      | callcenter.service-level | metric_warning | queue=q1, day=2026-03-02 | 2026-03-02T00:00:00 | 2026-03-03T00:00:00 |
    And policy "callcenter.service-level" has 1 satisfied, 0 violated and 0 pending

  Scenario: A centre with an 85% target overrides the parameter
    Given the policy "callcenter.service-level" from "policies/"
    And the parameter "service_level_target" is "85%"
    When these events happen:
      | time        | type          | call | queue |
      | +0min       | call.queued   | c-00 | q1    |
      | +0min10s   | call.answered | c-00 |       |
      | +1min       | call.queued   | c-01 | q1    |
      | +1min10s   | call.answered | c-01 |       |
      | +2min       | call.queued   | c-02 | q1    |
      | +2min10s   | call.answered | c-02 |       |
      | +3min       | call.queued   | c-03 | q1    |
      | +3min10s   | call.answered | c-03 |       |
      | +4min       | call.queued   | c-04 | q1    |
      | +4min10s   | call.answered | c-04 |       |
      | +5min       | call.queued   | c-05 | q1    |
      | +5min10s   | call.answered | c-05 |       |
      | +6min       | call.queued   | c-06 | q1    |
      | +6min10s   | call.answered | c-06 |       |
      | +7min       | call.queued   | c-07 | q1    |
      | +7min10s   | call.answered | c-07 |       |
      | +8min       | call.queued   | c-08 | q1    |
      | +8min10s   | call.answered | c-08 |       |
      | +9min       | call.queued   | c-09 | q1    |
      | +9min10s   | call.answered | c-09 |       |
      | +10min       | call.queued   | c-10 | q1    |
      | +10min10s   | call.answered | c-10 |       |
      | +11min       | call.queued   | c-11 | q1    |
      | +11min10s   | call.answered | c-11 |       |
      | +12min       | call.queued   | c-12 | q1    |
      | +12min10s   | call.answered | c-12 |       |
      | +13min       | call.queued   | c-13 | q1    |
      | +13min10s   | call.answered | c-13 |       |
      | +14min       | call.queued   | c-14 | q1    |
      | +14min10s   | call.answered | c-14 |       |
      | +15min       | call.queued   | c-15 | q1    |
      | +15min10s   | call.answered | c-15 |       |
      | +16min       | call.queued   | c-16 | q1    |
      | +16min30s   | call.answered | c-16 |       |
      | +17min       | call.queued   | c-17 | q1    |
      | +17min30s   | call.answered | c-17 |       |
      | +18min       | call.queued   | c-18 | q1    |
      | +18min30s   | call.answered | c-18 |       |
      | +19min       | call.queued   | c-19 | q1    |
      | +19min30s   | call.answered | c-19 |       |
    Then the metric "service_level" for queue=q1 on bucket "2026-03-02" is 80% and "violated"
    And there is 1 violation

  Scenario: A call belongs to the day and queue it was queued in; calls still waiting are pending
    Given the policy "callcenter.service-level" from "policies/"
    When these events happen:
      | time                | type          | call | queue |
      | 2026-03-02T23:59:50 | call.queued   | c-1  | q1    |
      | 2026-03-03T00:00:05 | call.answered | c-1  |       |
      | 2026-03-03T00:00:06 | call.queued   | c-2  | q2    |
      | 2026-03-03T00:00:07 | call.queued   | c-3  |       |
    # c-2 is still waiting at the horizon: a pending obligation with its deadline (00:00:26),
    # not yet counted in the service level, and not an activation of the metric (its cells are)
    Then the metric "service_level" for queue=q1 on bucket "2026-03-02" is 100% and "insufficient"
    And there is 1 pending obligation with deadline "2026-03-03T00:00:26"
    And policy "callcenter.service-level" has 0 satisfied, 0 violated and 0 pending
    And policy "callcenter.service-level" has 1 events outside its scope

  # ------------------------------------------------------------ callcenter.max-wait

  Scenario: Calls answered within two minutes, the last one exactly at two minutes
    Given the policy "callcenter.max-wait" from "policies/"
    When these events happen:
      | time  | type          | call |
      | +0s   | call.queued   | c-1  |
      | +0s   | call.queued   | c-2  |
      | +1min | call.answered | c-1  |
      | +2min | call.answered | c-2  |
    Then there are no violations
    And policy "callcenter.max-wait" has 2 satisfied, 0 violated and 0 pending

  Scenario: A caller who waited two and a half minutes
    Given the policy "callcenter.max-wait" from "policies/"
    When these events happen:
      | time     | type          | call |
      | +0s      | call.queued   | c-1  |
      | +2min30s | call.answered | c-1  |
    # Late: the breach spans the call's two minutes, to its deadline; fulfilled_at is when the
    # answer finally came.
    Then the violations are:
      | policy              | kind | scope    | start | end   | fulfilled_at | severity |
      | callcenter.max-wait | late | call=c-1 | +0s   | +2min | +2min30s     | high     |
    And the violation sentence is "call.queued of call c-1 at 2026-03-02 10:00:00+03:00: call.answered only at 10:02:30, 30s after the deadline 10:02:00 (within 2min)"
    And the violation details are:
      | key      | value |
      | deadline | +2min |

  Scenario: A caller who hangs up within the two minutes cancels the obligation
    Given the policy "callcenter.max-wait" from "policies/"
    When these events happen:
      | time  | type           | call |
      | +0s   | call.queued    | c-1  |
      | +1min | call.abandoned | c-1  |
    And the audit is as of "+10min"
    Then there are no violations
    And policy "callcenter.max-wait" has 0 satisfied, 0 violated and 0 pending

  Scenario: Hanging up after the deadline comes too late to cancel it
    Given the policy "callcenter.max-wait" from "policies/"
    When these events happen:
      | time  | type           | call |
      | +0s   | call.queued    | c-1  |
      | +3min | call.abandoned | c-1  |
    Then the violations are:
      | policy              | kind    | scope    | start | end   |
      | callcenter.max-wait | missing | call=c-1 | +0s   | +2min |

  Scenario: A store that tolerates three minutes overrides max_wait
    Given the policy "callcenter.max-wait" from "policies/"
    And the parameter "max_wait" is "3min"
    When these events happen:
      | time     | type          | call |
      | +0s      | call.queued   | c-1  |
      | +2min30s | call.answered | c-1  |
    Then there are no violations

  Scenario: A caller still in the queue at the horizon is pending
    Given the policy "callcenter.max-wait" from "policies/"
    When these events happen:
      | time | type        | call |
      | +0s  | call.queued | c-1  |
      | +1s  | call.queued |      |
    And the audit is as of "+1min"
    Then there are no violations
    And there is 1 pending obligation with deadline "+2min"
    And policy "callcenter.max-wait" has 1 events outside its scope

  # ------------------------------------------------------------ callcenter.abandonment

  Scenario: One abandoned call of two is 50%
    Given the policy "callcenter.abandonment" from "policies/"
    When these events happen:
      | time   | type           | call | queue |
      | +0s    | call.queued    | c-1  | q1    |
      | +1min  | call.queued    | c-2  | q1    |
      | +2min  | call.abandoned | c-2  | q1    |
      | +3min  | call.queued    | c-3  | q2    |
    Then the metric "abandonment" for queue=q1 on bucket "2026-03-02" is 50% and "violated"
    And the metric "abandonment" for queue=q2 on bucket "2026-03-02" is 0% and "ok"
    And the violations are:
      | policy                 | kind   | scope                    | start               | end                 | severity |
      | callcenter.abandonment | metric | queue=q1, day=2026-03-02 | 2026-03-02T00:00:00 | 2026-03-03T00:00:00 | medium   |

  Scenario: One abandoned call of twenty is exactly 5%: allowed, above the 3% warning level
    Given the policy "callcenter.abandonment" from "policies/"
    When these events happen:
      | time   | type           | call | queue |
      | +0min  | call.queued    | c-00 | q1    |
      | +1min  | call.queued    | c-01 | q1    |
      | +2min  | call.queued    | c-02 | q1    |
      | +3min  | call.queued    | c-03 | q1    |
      | +4min  | call.queued    | c-04 | q1    |
      | +5min  | call.queued    | c-05 | q1    |
      | +6min  | call.queued    | c-06 | q1    |
      | +7min  | call.queued    | c-07 | q1    |
      | +8min  | call.queued    | c-08 | q1    |
      | +9min  | call.queued    | c-09 | q1    |
      | +10min  | call.queued    | c-10 | q1    |
      | +11min  | call.queued    | c-11 | q1    |
      | +12min  | call.queued    | c-12 | q1    |
      | +13min  | call.queued    | c-13 | q1    |
      | +14min  | call.queued    | c-14 | q1    |
      | +15min  | call.queued    | c-15 | q1    |
      | +16min  | call.queued    | c-16 | q1    |
      | +17min  | call.queued    | c-17 | q1    |
      | +18min  | call.queued    | c-18 | q1    |
      | +19min  | call.queued    | c-19 | q1    |
      | +0min30s | call.abandoned | c-00 | q1    |
    Then the metric "abandonment" for queue=q1 on bucket "2026-03-02" is 5% and "warn"
    And the violations are:
      | policy                 | kind           | scope                    | start               | end                 |
      | callcenter.abandonment | metric_warning | queue=q1, day=2026-03-02 | 2026-03-02T00:00:00 | 2026-03-03T00:00:00 |

  # ------------------------------------------------------------ callcenter.speed-of-answer

  Scenario: An average wait of exactly 30 seconds meets the target
    Given the policy "callcenter.speed-of-answer" from "policies/"
    When these events happen:
      | time  | type          | call | wait |
      | +0s   | call.answered | c-1  | 10   |
      | +1min | call.answered | c-2  | 20   |
      | +2min | call.answered | c-3  | 60   |
      | +3min | call.answered | c-4  |      |
    Then the metric "asa" on bucket "2026-03-02" is 30s and "ok"
    And there are no violations

  Scenario: An average wait of 31 seconds does not
    Given the policy "callcenter.speed-of-answer" from "policies/"
    When these events happen:
      | time  | type          | call | wait |
      | +0s   | call.answered | c-1  | 10   |
      | +1min | call.answered | c-2  | 20   |
      | +2min | call.answered | c-3  | 63   |
    Then the metric "asa" on bucket "2026-03-02" is 31s and "violated"
    And the violations are:
      | policy                     | kind   | scope          | start               | end                 | severity |
      | callcenter.speed-of-answer | metric | day=2026-03-02 | 2026-03-02T00:00:00 | 2026-03-03T00:00:00 | medium   |

  # ------------------------------------------------------------ callcenter.p90-wait

  Scenario: The 90th percentile of 20..60 seconds is 56 seconds
    Given the policy "callcenter.p90-wait" from "policies/"
    When these events happen:
      | time  | type          | call | wait |
      | +0s   | call.answered | c-1  | 40   |
      | +1min | call.answered | c-2  | 20   |
      | +2min | call.answered | c-3  | 60   |
      | +3min | call.answered | c-4  | 30   |
      | +4min | call.answered | c-5  | 50   |
    Then the metric "p90" on bucket "2026-03-02" is 56s and "ok"
    And there are no violations

  Scenario: The 90th percentile of 30..70 seconds is 66 seconds, over a minute
    Given the policy "callcenter.p90-wait" from "policies/"
    When these events happen:
      | time  | type          | call | wait |
      | +0s   | call.answered | c-1  | 30   |
      | +1min | call.answered | c-2  | 40   |
      | +2min | call.answered | c-3  | 50   |
      | +3min | call.answered | c-4  | 60   |
      | +4min | call.answered | c-5  | 70   |
    Then the metric "p90" on bucket "2026-03-02" is 66s and "violated"
    And the violations are:
      | policy              | kind   | scope          | start               | end                 | severity |
      | callcenter.p90-wait | metric | day=2026-03-02 | 2026-03-02T00:00:00 | 2026-03-03T00:00:00 | low      |

  Scenario: Waits of exactly a minute meet the limit
    Given the policy "callcenter.p90-wait" from "policies/"
    When these events happen:
      | time  | type          | call | wait |
      | +0s   | call.answered | c-1  | 60   |
      | +1min | call.answered | c-2  | 60   |
    Then the metric "p90" on bucket "2026-03-02" is 1min and "ok"

  Scenario: Each call is counted in the Istanbul day of its own event; calls without a queue are outside
    # The call queued at 23:50 belongs to 2 March; its abandonment at 00:10 to 3 March, a day
    # with no queued call: not applicable there, and 0% on 2 March.
    Given the policy "callcenter.abandonment" from "policies/"
    When these events happen:
      | time                | type           | call | queue |
      | 2026-03-03T00:10:00 | call.abandoned | c-1  | q1    |
      | 2026-03-02T23:50:00 | call.queued    | c-1  | q1    |
      | 2026-03-02T23:55:00 | call.abandoned | c-2  |       |
    Then the metric "abandonment" for queue=q1 on bucket "2026-03-02" is 0% and "ok"
    And the metric "abandonment" for queue=q1 on bucket "2026-03-03" is not applicable
    And there are no violations
    And policy "callcenter.abandonment" has 1 events outside its scope

  Scenario: Answer times are averaged per Istanbul day, whatever the row order
    # 21:30 UTC on 2 March is 00:30 on 3 March in Istanbul.
    Given the policy "callcenter.speed-of-answer" from "policies/"
    When these events happen:
      | time                      | type          | call | wait |
      | 2026-03-02T21:30:00Z      | call.answered | c-2  | 10   |
      | 2026-03-02T23:30:00+03:00 | call.answered | c-1  | 50   |
    Then the metric "asa" on bucket "2026-03-02" is 50s and "violated"
    And the metric "asa" on bucket "2026-03-03" is 10s and "ok"
    And the violations are:
      | policy                     | kind   | scope          | start                     | end                       |
      | callcenter.speed-of-answer | metric | day=2026-03-02 | 2026-03-02T00:00:00+03:00 | 2026-03-03T00:00:00+03:00 |
