// A calendar in Thai beside every B.E. date field (common/forms.py: BeDateInput, data-be-date).
// The text field stays the form's value (วว/ดด/ปปปป, Buddhist Era); the calendar only writes
// into it. Keyboard: the button opens it on today's or the typed day; arrows move a day or a
// week, Page Up/Down a month (with Shift a year), Home/End the week's start and end, Enter or
// Space chooses, Escape closes and gives the focus back to the button. No inline script (CSP).
(function () {
  "use strict";
  const MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  const SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
  const DAYS = ["อา.", "จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส."];
  const DAY_NAMES = ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"];
  const BE = 543;
  const THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";

  function pad(n) { return String(n).padStart(2, "0"); }
  function format(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + (d.getFullYear() + BE); }
  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }
  function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }
  function addMonths(d, n) {
    const last = new Date(d.getFullYear(), d.getMonth() + n + 1, 0).getDate();
    return new Date(d.getFullYear(), d.getMonth() + n, Math.min(d.getDate(), last));
  }
  // The typed text as a date, read as the server reads it (common/thai.py: parse_date_input).
  function parse(text) {
    text = (text || "").replace(/[๐-๙]/g, function (c) { return String(THAI_DIGITS.indexOf(c)); }).trim();
    let m = text.match(/^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$/);
    let day, month, year;
    if (m) {
      day = +m[1]; month = +m[2]; year = +m[3];
    } else {
      m = text.match(/^(\d{1,2})\s*(\S+?)\s*(?:พ\.?\s*ศ\.?\s*)?(\d{4})$/);
      if (!m) return null;
      const name = m[2];
      month = MONTHS.indexOf(name) + 1 || SHORT.indexOf(name) + 1 ||
        SHORT.map(function (s) { return s.replace(/\./g, ""); }).indexOf(name) + 1;
      day = +m[1]; year = +m[3];
    }
    if (!month || year < 2400) return null;
    const d = new Date(year - BE, month - 1, day);
    return d.getMonth() === month - 1 && d.getDate() === day ? d : null;
  }

  let open = null; // {input, button, panel, focus}

  function close(returnFocus) {
    if (!open) return;
    const o = open;
    open = null;
    o.panel.remove();
    o.button.setAttribute("aria-expanded", "false");
    if (returnFocus) o.button.focus();
  }

  function option(value, text, selected) {
    const el = document.createElement("option");
    el.value = value; el.textContent = text; el.selected = selected;
    return el;
  }

  function render(o) {
    const panel = o.panel;
    const focus = o.focus;
    const chosen = parse(o.input.value);
    const today = new Date();
    panel.textContent = "";

    const head = document.createElement("div");
    head.className = "be-cal-head";
    const prev = document.createElement("button");
    prev.type = "button"; prev.className = "btn btn-sm btn-light"; prev.dataset.move = "-1";
    prev.setAttribute("aria-label", "เดือนก่อนหน้า"); prev.textContent = "‹";
    const next = document.createElement("button");
    next.type = "button"; next.className = "btn btn-sm btn-light"; next.dataset.move = "1";
    next.setAttribute("aria-label", "เดือนถัดไป"); next.textContent = "›";
    const month = document.createElement("select");
    month.className = "form-select form-select-sm"; month.dataset.part = "month";
    month.setAttribute("aria-label", "เดือน");
    MONTHS.forEach(function (name, i) { month.append(option(i, name, i === focus.getMonth())); });
    const year = document.createElement("select");
    year.className = "form-select form-select-sm"; year.dataset.part = "year";
    year.setAttribute("aria-label", "ปี พ.ศ.");
    const y = focus.getFullYear();
    for (let i = y - 10; i <= y + 10; i++) year.append(option(i, String(i + BE), i === y));
    head.append(prev, month, year, next);
    panel.append(head);

    const table = document.createElement("table");
    table.className = "be-cal-grid";
    table.setAttribute("role", "grid");
    table.setAttribute("aria-label", MONTHS[focus.getMonth()] + " " + (y + BE));
    const thead = document.createElement("thead");
    const hr = document.createElement("tr");
    DAYS.forEach(function (d, i) {
      const th = document.createElement("th");
      th.scope = "col"; th.textContent = d; th.title = DAY_NAMES[i];
      hr.append(th);
    });
    thead.append(hr);
    table.append(thead);
    const body = document.createElement("tbody");
    const first = new Date(y, focus.getMonth(), 1);
    let day = addDays(first, -first.getDay());
    for (let w = 0; w < 6; w++) {
      const tr = document.createElement("tr");
      for (let i = 0; i < 7; i++) {
        const td = document.createElement("td");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "be-cal-day";
        b.textContent = day.getDate();
        b.dataset.date = format(day);
        b.setAttribute("aria-label", "วัน" + DAY_NAMES[day.getDay()] + "ที่ " + day.getDate() + " " + MONTHS[day.getMonth()] + " " + (day.getFullYear() + BE));
        b.tabIndex = sameDay(day, focus) ? 0 : -1;
        if (day.getMonth() !== focus.getMonth()) b.classList.add("other-month");
        if (sameDay(day, today)) { b.classList.add("today"); b.setAttribute("aria-current", "date"); }
        if (sameDay(day, chosen)) { b.classList.add("chosen"); b.setAttribute("aria-pressed", "true"); }
        td.append(b);
        tr.append(td);
        day = addDays(day, 1);
      }
      body.append(tr);
    }
    table.append(body);
    panel.append(table);

    const foot = document.createElement("div");
    foot.className = "be-cal-foot";
    const todayButton = document.createElement("button");
    todayButton.type = "button"; todayButton.className = "btn btn-sm btn-link"; todayButton.dataset.today = "1";
    todayButton.textContent = "วันนี้";
    const closeButton = document.createElement("button");
    closeButton.type = "button"; closeButton.className = "btn btn-sm btn-link"; closeButton.dataset.close = "1";
    closeButton.textContent = "ปิด";
    foot.append(todayButton, closeButton);
    panel.append(foot);
  }

  function focusDay(o) {
    const b = o.panel.querySelector(".be-cal-day[tabindex='0']");
    if (b) b.focus();
  }

  function choose(o, text) {
    o.input.value = text;
    o.input.dispatchEvent(new Event("input", { bubbles: true }));
    o.input.dispatchEvent(new Event("change", { bubbles: true }));
    close(false);
    o.input.focus();
  }

  function show(input, button) {
    if (open && open.input === input) { close(true); return; }
    close(false);
    const panel = document.createElement("div");
    panel.className = "be-cal shadow";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "ปฏิทิน (พ.ศ.)");
    const o = { input: input, button: button, panel: panel, focus: parse(input.value) || new Date() };
    open = o;
    button.setAttribute("aria-expanded", "true");
    button.closest(".be-date-group").append(panel);
    render(o);
    focusDay(o);

    panel.addEventListener("click", function (event) {
      const t = event.target.closest("button");
      if (!t) return;
      if (t.dataset.date) choose(o, t.dataset.date);
      else if (t.dataset.move) { o.focus = addMonths(o.focus, +t.dataset.move); render(o); panel.querySelector("[data-move='" + t.dataset.move + "']").focus(); }
      else if (t.dataset.today) choose(o, format(new Date()));
      else if (t.dataset.close) close(true);
    });
    panel.addEventListener("change", function (event) {
      const s = event.target;
      const part = s.dataset.part;
      if (!part) return;
      const d = o.focus;
      o.focus = part === "month"
        ? new Date(d.getFullYear(), +s.value, Math.min(d.getDate(), new Date(d.getFullYear(), +s.value + 1, 0).getDate()))
        : new Date(+s.value, d.getMonth(), Math.min(d.getDate(), new Date(+s.value, d.getMonth() + 1, 0).getDate()));
      render(o);
      panel.querySelector("[data-part='" + part + "']").focus();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(true); return; }
      if (!event.target.classList.contains("be-cal-day")) return;
      const moves = {
        ArrowLeft: function (d) { return addDays(d, -1); },
        ArrowRight: function (d) { return addDays(d, 1); },
        ArrowUp: function (d) { return addDays(d, -7); },
        ArrowDown: function (d) { return addDays(d, 7); },
        Home: function (d) { return addDays(d, -d.getDay()); },
        End: function (d) { return addDays(d, 6 - d.getDay()); },
        PageUp: function (d) { return addMonths(d, event.shiftKey ? -12 : -1); },
        PageDown: function (d) { return addMonths(d, event.shiftKey ? 12 : 1); },
      };
      if (moves[event.key]) {
        event.preventDefault();
        o.focus = moves[event.key](o.focus);
        render(o);
        focusDay(o);
      }
    });
  }

  function enhance(input) {
    if (input.dataset.beDateReady) return;
    input.dataset.beDateReady = "1";
    const group = document.createElement("div");
    group.className = "input-group be-date-group";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    const label = input.labels && input.labels[0] ? input.labels[0].textContent.trim().replace(/\*$/, "").trim() : "วันที่";
    button.setAttribute("aria-label", "เลือก" + label + "จากปฏิทิน");
    button.title = "เลือกจากปฏิทิน";
    const icon = document.createElement("i");
    icon.className = "bi bi-calendar3";
    icon.setAttribute("aria-hidden", "true");
    button.append(icon);
    input.parentNode.insertBefore(group, input);
    group.append(input, button);
    // The field's message stays visible now that the input sits inside the group.
    if (input.classList.contains("is-invalid")) {
      let sibling = group.nextElementSibling;
      while (sibling && sibling.classList.contains("invalid-feedback")) {
        sibling.classList.add("d-block");
        sibling = sibling.nextElementSibling;
      }
    }
    button.addEventListener("click", function () { show(input, button); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && event.altKey) { event.preventDefault(); show(input, button); }
    });
  }

  document.addEventListener("click", function (event) {
    if (open && !open.panel.contains(event.target) && !open.button.contains(event.target)) close(false);
  });
  document.querySelectorAll("input[data-be-date]").forEach(enhance);
  document.body && document.body.addEventListener("htmx:afterSwap", function (event) {
    event.detail.target.querySelectorAll("input[data-be-date]").forEach(enhance);
  });
})();
