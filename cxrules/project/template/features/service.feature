Feature: Contact centre and shop floor
  Each scenario is a small log and what the policies must find in it. Run them with
  `cxrules test` (or plain `pytest`); when you change a policy, they tell you what it now means.

  Background:
    Given the log zone is "UTC"
    And the time is "2026-03-02T09:00:00"

  Scenario: A call answered exactly at the maximum wait is in time
    Given the policy "calls.answered-in-time" from "policies/"
    When these events happen:
      | time  | type          | call |
      | +0s   | call.queued   | c-1  |
      | +2min | call.answered | c-1  |
    Then there are no violations

  Scenario: A call answered one second after the maximum wait is late
    Given the policy "calls.answered-in-time" from "policies/"
    When these events happen:
      | time    | type          | call |
      | +0s     | call.queued   | c-1  |
      | +2min1s | call.answered | c-1  |
    Then the violations are:
      | policy                 | kind | scope    | start | end   | fulfilled_at |
      | calls.answered-in-time | late | call=c-1 | +0s   | +2min | +2min1s      |

  Scenario: A caller who hangs up first is no breach
    Given the policy "calls.answered-in-time" from "policies/"
    When these events happen:
      | time  | type           | call |
      | +0s   | call.queued    | c-1  |
      | +1min | call.abandoned | c-1  |
    Then there are no violations
    And there are no pending obligations

  Scenario: A call still waiting when the audit ends is open, not a breach
    Given the policy "calls.answered-in-time" from "policies/"
    And the audit is as of "+1min"
    When these events happen:
      | time | type        | call |
      | +0s  | call.queued | c-1  |
    Then there are no violations
    And there is 1 pending obligation with deadline "+2min"

  Scenario: A centre that allows 3 minutes overrides the parameter
    Given the policy "calls.answered-in-time" from "policies/"
    And the parameter "max_wait" is "3min"
    When these events happen:
      | time    | type          | call |
      | +0s     | call.queued   | c-1  |
      | +2min1s | call.answered | c-1  |
    Then there are no violations

  Scenario: 4 of 5 calls answered within 20 seconds is 80%: met, but below the warning level
    Given the policy "calls.service-level" from "policies/"
    When these events happen:
      | time     | type          | call |
      | +0s      | call.queued   | c-1  |
      | +20s     | call.answered | c-1  |
      | +1min    | call.queued   | c-2  |
      | +1min5s  | call.answered | c-2  |
      | +2min    | call.queued   | c-3  |
      | +2min21s | call.answered | c-3  |
      | +3min    | call.queued   | c-4  |
      | +3min10s | call.answered | c-4  |
      | +4min    | call.queued   | c-5  |
      | +4min1s  | call.answered | c-5  |
    Then the metric "service_level" on bucket "2026-03-02" is 80% and "warn"

  Scenario: "No problem" is a breach, "my pleasure" is not
    Given the policy "shop.wording" from "policies/"
    When these events happen:
      | time  | type       | text                 |
      | +0s   | staff.said | My pleasure!         |
      | +1min | staff.said | No problem, see you. |
    Then the violations are:
      | policy       | kind      | start |
      | shop.wording | forbidden | +1min |
