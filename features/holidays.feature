Feature: Public holidays in business time (Turkey and Romania)
  Seed 004's repeat complaint escalated within 8 business hours across Kurban Bayramı, and a
  Romanian complaint desk's business day across Saint Andrew's Day, National Day and Christmas.
  Event types, attributes and scope values in Turkish and Romanian.

  Scenario: Kurban Bayramı stops the clock: the 8 business hours end the Monday after
    # 26 May 2026 (Tuesday, the eve: an open day) 17:00 + 8 business hours: 1h on Tuesday;
    # 27-30 May are Kurban Bayramı, 31 May a Sunday; 7h on Monday 1 June: 16:00.
    # Can Ünal's first complaint is more than 30 days before the third: no trigger.
    Given the log zone is "Europe/Istanbul"
    And the policy:
      """
      calendar destek_tr "Destek masası, İstanbul"
        zone "Europe/Istanbul"
        hours mon-fri 09:00-18:00
        holidays "TR"

      policy şikayet.tekrar-eden "Aynı konuda 3. şikayet 8 iş saatinde yükseltilir"
        severity critical
        calendar destek_tr
        per müşteri, konu
        when 3rd şikayet.açıldı within 30d
        expect vaka.yükseltildi within 8 business hours
      """
    When these events happen:
      | time                | type             | müşteri     | konu     |
      | 2026-05-20T10:00:00 | şikayet.açıldı   | Ayşe Yılmaz | fatura   |
      | 2026-05-22T10:00:00 | şikayet.açıldı   | Ayşe Yılmaz | fatura   |
      | 2026-05-26T17:00:00 | şikayet.açıldı   | Ayşe Yılmaz | fatura   |
      | 2026-06-01T16:00:00 | vaka.yükseltildi | Ayşe Yılmaz | fatura   |
      | 2026-05-20T10:00:00 | şikayet.açıldı   | Ayşe Yılmaz | teslimat |
      | 2026-05-21T10:00:00 | şikayet.açıldı   | Ayşe Yılmaz | teslimat |
      | 2026-05-26T17:00:00 | şikayet.açıldı   | Ayşe Yılmaz | teslimat |
      | 2026-06-01T16:00:01 | vaka.yükseltildi | Ayşe Yılmaz | teslimat |
      | 2026-04-20T10:00:00 | şikayet.açıldı   | Can Ünal    | iade     |
      | 2026-05-20T10:00:00 | şikayet.açıldı   | Can Ünal    | iade     |
      | 2026-05-26T10:00:00 | şikayet.açıldı   | Can Ünal    | iade     |
    Then the violations are:
      | policy              | kind | scope                              | start               | end                 | fulfilled_at        | severity |
      | şikayet.tekrar-eden | late | müşteri=Ayşe Yılmaz, konu=teslimat | 2026-05-26T17:00:00 | 2026-06-01T16:00:00 | 2026-06-01T16:00:01 | critical |
    And the violation sentence is "3rd şikayet.açıldı within 30d of müşteri Ayşe Yılmaz, konu teslimat at 2026-05-26 17:00:00+03:00: vaka.yükseltildi only at 2026-06-01 16:00:01+03:00, 1s after the deadline 16:00:00 (within 8 business hours)"
    And policy "şikayet.tekrar-eden" has 1 satisfied, 1 violated and 0 pending

  Scenario: A Romanian business day skips Saint Andrew's Day, National Day and Christmas
    # Fri 27 Nov 16:00 + 1 business day: Saturday opens 10:00-13:00 and 16:00 is past it, so
    # that day's closing: Sat 28 Nov 13:00. Sat 28 Nov 11:00: 30 Nov and 1 Dec are holidays:
    # Wed 2 Dec 11:00. Wed 23 Dec 15:00: 24 Dec closed, 25-26 Christmas, 27 a Sunday: Mon 28 Dec
    # 15:00, still open at the horizon (as of Mon 28 Dec 14:00).
    Given the log zone is "Europe/Bucharest"
    And the policy:
      """
      calendar relații_ro "Relații clienți, București"
        zone "Europe/Bucharest"
        hours mon-fri 09:00-17:00, sat 10:00-13:00
        holidays "RO"
        closed 2026-12-24

      policy reclamație.răspuns "Reclamațiile primesc răspuns într-o zi lucrătoare"
        calendar relații_ro
        per reclamație
        when reclamație.depusă
        expect reclamație.răspuns within 1 business day
      """
    When these events happen:
      | time                | type               | reclamație |
      | 2026-11-27T16:00:00 | reclamație.depusă  | R-1        |
      | 2026-12-02T10:00:00 | reclamație.răspuns | R-1        |
      | 2026-11-28T11:00:00 | reclamație.depusă  | R-2        |
      | 2026-12-02T11:00:00 | reclamație.răspuns | R-2        |
      | 2026-12-23T15:00:00 | reclamație.depusă  | R-3        |
    And the audit is as of "2026-12-28T14:00:00"
    Then the violations are:
      | policy             | kind | scope          | start               | end                 | fulfilled_at        |
      | reclamație.răspuns | late | reclamație=R-1 | 2026-11-27T16:00:00 | 2026-11-28T13:00:00 | 2026-12-02T10:00:00 |
    And there is 1 pending obligation with deadline "2026-12-28T15:00:00"
    And policy "reclamație.răspuns" has 1 satisfied, 1 violated and 1 pending
