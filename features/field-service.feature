Feature: Field service and couriers (seeds 001 and 003)
  Notify on the chosen channel 30 minutes before arrival, arrive inside the booked window, call
  ahead, never arrive early, never move the meeting place.

  Background:
    Given the log zone is "Europe/Istanbul"
    And the time is "2026-03-02T09:00:00"

  # ------------------------------------------------------------ field.notify-before-arrival

  Scenario: An SMS half an hour before arrival, on the channel the customer chose
    Given the policy "field.notify-before-arrival" from "policies/"
    When these events happen:
      | time   | type               | appointment | notify_channel | channel |
      | +0s    | appointment.booked | a-1         | sms            |         |
      | +30min | notification.sent  | a-1         |                | sms     |
      | +60min | technician.arrived | a-1         |                |         |
    Then there are no violations
    And policy "field.notify-before-arrival" has 1 satisfied, 0 violated and 0 pending

  Scenario: Both ends of the window count: 35 and 25 minutes before
    Given the policy "field.notify-before-arrival" from "policies/"
    When these events happen:
      | time    | type               | appointment | notify_channel | channel |
      | +0s     | appointment.booked | a-1         | sms            |         |
      | +0s     | appointment.booked | a-2         | sms            |         |
      | +25min  | notification.sent  | a-1         |                | sms     |
      | +35min  | notification.sent  | a-2         |                | sms     |
      | +60min  | technician.arrived | a-1         |                |         |
      | +60min  | technician.arrived | a-2         |                |         |
    Then there are no violations
    And policy "field.notify-before-arrival" has 2 satisfied, 0 violated and 0 pending

  Scenario: A call to the broken home line is not the SMS the customer asked for
    Given the policy "field.notify-before-arrival" from "policies/"
    When these events happen:
      | time   | type               | appointment | notify_channel | channel |
      | +0s    | appointment.booked | a-1         | sms            |         |
      | +30min | notification.sent  | a-1         |                | phone   |
      | +60min | technician.arrived | a-1         |                |         |
    # The breach reports the window itself: from 35 to 25 minutes before the arrival.
    Then the violations are:
      | policy                      | kind    | scope           | start  | end    | severity |
      | field.notify-before-arrival | missing | appointment=a-1 | +25min | +35min | medium   |
    And the violation sentence is "technician.arrived of appointment a-1 at 2026-03-02 10:00:00+03:00: no notification.sent where channel == last(appointment.booked).notify_channel between 35min and 25min before (from 09:25:00 to 09:35:00)"

  Scenario: A notice 36 minutes before is too early
    Given the policy "field.notify-before-arrival" from "policies/"
    When these events happen:
      | time   | type               | appointment | notify_channel | channel |
      | +0s    | appointment.booked | a-1         | sms            |         |
      | +24min | notification.sent  | a-1         |                | sms     |
      | +60min | technician.arrived | a-1         |                |         |
    Then the violations are:
      | policy                      | kind    | scope           | start  | end    |
      | field.notify-before-arrival | missing | appointment=a-1 | +25min | +35min |

  Scenario: An arrival without an appointment is outside the scope
    Given the policy "field.notify-before-arrival" from "policies/"
    When these events happen:
      | time   | type               | appointment |
      | +60min | technician.arrived |             |
    Then there are no violations
    And policy "field.notify-before-arrival" has 1 events outside its scope

  # ------------------------------------------------------------ field.arrive-in-window

  Scenario: The technician arrives inside the booked window, up to its last second
    Given the policy "field.arrive-in-window" from "policies/"
    When these events happen:
      | time                      | type               | appointment | window_start              | window_end                |
      | 2026-03-02T08:00:00+03:00 | appointment.booked | a-1         | 2026-03-02T10:00:00+03:00 | 2026-03-02T12:00:00+03:00 |
      | 2026-03-02T08:00:00+03:00 | appointment.booked | a-2         | 2026-03-02T10:00:00+03:00 | 2026-03-02T12:00:00+03:00 |
      | 2026-03-02T11:00:00+03:00 | technician.arrived | a-1         |                           |                           |
      | 2026-03-02T12:00:00+03:00 | technician.arrived | a-2         |                           |                           |
    Then there are no violations
    And policy "field.arrive-in-window" has 2 satisfied, 0 violated and 0 pending

  Scenario: A technician a minute after the window is a violation at the arrival
    Given the policy "field.arrive-in-window" from "policies/"
    When these events happen:
      | time                      | type               | appointment | window_start              | window_end                |
      | 2026-03-02T08:00:00+03:00 | appointment.booked | a-1         | 2026-03-02T10:00:00+03:00 | 2026-03-02T12:00:00+03:00 |
      | 2026-03-02T12:01:00+03:00 | technician.arrived | a-1         |                           |                           |
    Then the violations are:
      | policy                 | kind            | scope           | start                     | end                       | severity |
      | field.arrive-in-window | condition_false | appointment=a-1 | 2026-03-02T12:01:00+03:00 | 2026-03-02T12:01:00+03:00 | high     |

  Scenario: An arrival with no booking cannot be judged, and that is a violation
    Given the policy "field.arrive-in-window" from "policies/"
    When these events happen:
      | time | type               | appointment |
      | +0s  | technician.arrived | a-9         |
    Then the violations are:
      | policy                 | kind            | scope           | start | end |
      | field.arrive-in-window | condition_false | appointment=a-9 | +0s   | +0s |
    And the violation sentence contains "missing"

  # ------------------------------------------------------------ field.courier-calls-ahead

  Scenario: The courier calls well ahead, or exactly 15 minutes ahead
    Given the policy "field.courier-calls-ahead" from "policies/"
    When these events happen:
      | time   | type           | appointment |
      | +0s    | courier.called | a-1         |
      | +5min  | courier.called | a-2         |
      | +20min | courier.arrived | a-1        |
      | +20min | courier.arrived | a-2        |
    Then there are no violations
    And policy "field.courier-calls-ahead" has 2 satisfied, 0 violated and 0 pending

  Scenario: A call ten minutes before arriving is too late
    Given the policy "field.courier-calls-ahead" from "policies/"
    When these events happen:
      | time   | type            | appointment |
      | +10min | courier.called  | a-1         |
      | +20min | courier.arrived | a-1         |
    Then the violations are:
      | policy                    | kind    | scope           | start | end   | severity |
      | field.courier-calls-ahead | missing | appointment=a-1 | +5min | +5min | low      |

  Scenario: A call at the door is no call ahead; rows out of order
    Given the policy "field.courier-calls-ahead" from "policies/"
    When these events happen:
      | time   | type            | appointment |
      | +21min | courier.called  | a-1         |
      | +20min | courier.arrived | a-1         |
    Then the violations are:
      | policy                    | kind    | scope           | start | end   |
      | field.courier-calls-ahead | missing | appointment=a-1 | +5min | +5min |

  # ------------------------------------------------------------ field.courier-not-early

  Scenario: The courier arrives at the agreed time
    Given the policy "field.courier-not-early" from "policies/"
    When these events happen:
      | time  | type               | appointment | window_start              |
      | +0s   | appointment.booked | a-1         | 2026-03-02T10:00:00+03:00 |
      | +1h   | courier.arrived    | a-1         |                           |
    Then there are no violations
    And policy "field.courier-not-early" has 1 satisfied, 0 violated and 0 pending

  Scenario: The courier who arrived 30 minutes early
    Given the policy "field.courier-not-early" from "policies/"
    When these events happen:
      | time   | type               | appointment | window_start              |
      | +0s    | appointment.booked | a-1         | 2026-03-02T10:00:00+03:00 |
      | +30min | courier.arrived    | a-1         |                           |
    Then the violations are:
      | policy                  | kind            | scope           | start  | end    | severity |
      | field.courier-not-early | condition_false | appointment=a-1 | +30min | +30min | low      |

  # ------------------------------------------------------------ field.courier-keeps-place

  Scenario: Only the courier moving the meeting place is a breach
    Given the policy "field.courier-keeps-place" from "policies/"
    When these events happen:
      | time  | type                  | appointment | changed_by |
      | +0s   | appointment.place_changed | a-1     | customer   |
      | +1min | appointment.place_changed | a-2     | courier    |
      | +2min | appointment.place_changed | a-3     |            |
    Then the violations are:
      | policy                    | kind      | scope | start | end   | severity |
      | field.courier-keeps-place | forbidden |       | +1min | +1min | medium   |
    And policy "field.courier-keeps-place" has 2 satisfied, 1 violated and 0 pending

  Scenario: A meeting place the customer moves, and one moved by nobody named, is no breach
    Given the policy "field.courier-keeps-place" from "policies/"
    When these events happen:
      | time  | type                      | appointment | changed_by |
      | +0s   | appointment.place_changed | a-1         | customer   |
      | +5min | appointment.place_changed | a-1         |            |
    Then there are no violations
    And policy "field.courier-keeps-place" has 2 satisfied, 0 violated and 0 pending
