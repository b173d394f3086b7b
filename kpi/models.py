"""KPIs of a fiscal year at the organisation, unit and person tiers; OS matrix; results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import ChoiceLabels, register_kinds
from kpi import criteria
from orgchart.models import OrgUnit, Person


class KpiTier(models.TextChoices):
    ORGANISATION = "organisation", _("องค์กร")
    UNIT = "unit", _("หน่วยงาน")
    PERSON = "person", _("บุคคล")


class Measurement(models.TextChoices):
    QUANTITATIVE = criteria.QUANTITATIVE.value, _("เชิงปริมาณ")
    MILESTONE = criteria.MILESTONE.value, _("ขั้นตอนความสำเร็จ (milestone)")
    HYBRID = criteria.HYBRID.value, _("ผสม (ขั้นตอนและตัวเลข)")
    SUCCESS_FAILURE = criteria.SUCCESS_FAILURE.value, _("สำเร็จ/ไม่สำเร็จ")
    QUALITATIVE = criteria.QUALITATIVE.value, _("เชิงคุณภาพ")


class Direction(models.TextChoices):
    HIGHER = criteria.HIGHER_IS_BETTER.value, _("ยิ่งมากยิ่งดี")
    LOWER = criteria.LOWER_IS_BETTER.value, _("ยิ่งน้อยยิ่งดี")


class Stage(models.TextChoices):
    INPUT = "input", _("ปัจจัยนำเข้า (input)")
    PROCESS = "process", _("กระบวนการ (process)")
    OUTPUT = "output", _("ผลผลิต (output)")
    OUTCOME = "outcome", _("ผลลัพธ์ (outcome)")


class Timing(models.TextChoices):
    LEADING = "leading", _("ตัวชี้วัดนำ (leading)")
    LAGGING = "lagging", _("ตัวชี้วัดตาม (lagging)")


class CascadeMethod(models.TextChoices):
    DIRECT = "direct", _("ถ่ายทอดลงมาโดยตรง")
    SPLIT = "split", _("แบ่งค่าตัวเลขเป้าหมาย")
    PARTIAL = "partial", _("แบ่งเฉพาะด้านที่มอบ")


class Source(models.TextChoices):
    STRATEGY = "strategy", _("ยุทธศาสตร์/แผนขององค์กร")
    CASCADE = "cascade", _("ถ่ายทอดจากตัวชี้วัดระดับบน")
    WORKFLOW = "workflow", _("การวิเคราะห์ผังการไหลของงาน")
    CUSTOMER = "customer", _("ความคาดหวังของผู้รับบริการ")
    ISSUE = "issue", _("ประเด็นที่ต้องปรับปรุง")
    JOB_DESCRIPTION = "jd", _("หน้าที่ความรับผิดชอบตามตำแหน่ง (JD)")
    SPECIAL = "special", _("งานที่ได้รับมอบหมายพิเศษ")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("รายเดือน")
    QUARTERLY = "quarterly", _("รายไตรมาส")
    SEMIANNUAL = "semiannual", _("รายครึ่งปี (รอบการประเมิน)")
    ANNUAL = "annual", _("รายปี")


# The fields of the KPI template sheet that people edit, in the order the form shows them.
KPI_TEMPLATE_FIELDS = [
    "code", "name", "unit_of_measure", "weight", "source", "description", "formula",
    "measurement", "hybrid_steps", "direction", "stage", "timing",
    "threshold_1", "threshold_2", "threshold_3", "threshold_4", "threshold_5",
    "criteria_1", "criteria_2", "criteria_3", "criteria_4", "criteria_5", "conditions",
    "baseline_1", "baseline_2", "baseline_3", "data_source", "collection_method", "frequency",
    "supervisor_phone", "collector_phone",
]  # fmt: skip

THRESHOLD = {"max_digits": 14, "decimal_places": 4, "null": True, "blank": True}


class Kpi(ChoiceLabels, models.Model):
    """A KPI with the 11 fields of the KPI template (แบบฟอร์มรายละเอียดตัวชี้วัด)."""

    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), db_index=True)
    tier = models.CharField(_("ระดับตัวชี้วัด"), max_length=16, choices=KpiTier.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="kpis"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("บุคคล"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kpis",
    )
    code = models.CharField(_("รหัส/ลำดับ"), max_length=32, blank=True)
    name = models.CharField(_("ชื่อตัวชี้วัด"), max_length=500)
    unit_of_measure = models.CharField(_("หน่วยนับ"), max_length=64, blank=True)
    weight = models.DecimalField(
        _("น้ำหนัก (ร้อยละ)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("คำอธิบาย/นิยาม"), blank=True)
    formula = models.TextField(_("สูตรการคำนวณ"), blank=True)
    measurement = models.CharField(
        _("ลักษณะการวัด"),
        max_length=16,
        choices=Measurement.choices,
        default=Measurement.QUANTITATIVE,
    )
    hybrid_steps = models.PositiveSmallIntegerField(
        _("จำนวนระดับที่วัดด้วยขั้นตอน (แบบผสม)"),
        null=True,
        blank=True,
        help_text=_("ตัวชี้วัดแบบผสม: ระดับ 1 ถึงค่านี้วัดด้วยขั้นตอน ระดับที่เหลือวัดด้วยตัวเลข"),
    )
    direction = models.CharField(
        _("ทิศทาง"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    stage = models.CharField(_("ประเภทตัวชี้วัด"), max_length=8, choices=Stage.choices, blank=True)
    timing = models.CharField(_("ตัวชี้วัดนำ/ตาม"), max_length=8, choices=Timing.choices, blank=True)
    threshold_1 = models.DecimalField(_("เกณฑ์ระดับ 1"), **THRESHOLD)
    threshold_2 = models.DecimalField(_("เกณฑ์ระดับ 2"), **THRESHOLD)
    threshold_3 = models.DecimalField(_("เกณฑ์ระดับ 3 (ค่าเป้าหมาย)"), **THRESHOLD)
    threshold_4 = models.DecimalField(_("เกณฑ์ระดับ 4"), **THRESHOLD)
    threshold_5 = models.DecimalField(_("เกณฑ์ระดับ 5"), **THRESHOLD)
    criteria_1 = models.TextField(_("คำอธิบายระดับ 1"), blank=True)
    criteria_2 = models.TextField(_("คำอธิบายระดับ 2"), blank=True)
    criteria_3 = models.TextField(_("คำอธิบายระดับ 3"), blank=True)
    criteria_4 = models.TextField(_("คำอธิบายระดับ 4"), blank=True)
    criteria_5 = models.TextField(_("คำอธิบายระดับ 5"), blank=True)
    conditions = models.TextField(_("เงื่อนไข"), blank=True)
    baseline_1 = models.DecimalField(_("ผลการดำเนินงานย้อนหลัง 3 ปี"), **THRESHOLD)
    baseline_2 = models.DecimalField(_("ผลการดำเนินงานย้อนหลัง 2 ปี"), **THRESHOLD)
    baseline_3 = models.DecimalField(_("ผลการดำเนินงานปีที่แล้ว"), **THRESHOLD)
    data_source = models.TextField(_("แหล่งข้อมูล"), blank=True)
    collection_method = models.TextField(_("วิธีการจัดเก็บข้อมูล"), blank=True)
    frequency = models.CharField(
        _("ความถี่ในการจัดเก็บ"), max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    supervisor = models.ForeignKey(
        Person,
        verbose_name=_("ผู้กำกับดูแลตัวชี้วัด"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_kpis",
    )
    supervisor_phone = models.CharField(_("โทรศัพท์ผู้กำกับดูแล"), max_length=64, blank=True)
    collector = models.ForeignKey(
        Person,
        verbose_name=_("ผู้จัดเก็บข้อมูล"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collected_kpis",
    )
    collector_phone = models.CharField(_("โทรศัพท์ผู้จัดเก็บข้อมูล"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ตัวชี้วัดระดับบน"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    cascade_method = models.CharField(
        _("วิธีถ่ายทอด"), max_length=8, choices=CascadeMethod.choices, blank=True
    )
    source = models.CharField(
        _("ที่มา"), max_length=16, choices=Source.choices, default=Source.STRATEGY
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        ordering = ["fiscal_year", "code", "pk"]
        indexes = [models.Index(fields=["unit", "fiscal_year", "tier"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier="person", person__isnull=False)
                | (~Q(tier="person") & Q(person__isnull=True)),
                name="kpi_person_only_at_person_tier",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | (Q(weight__gt=0) & Q(weight__lte=100)),
                name="kpi_weight_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(cascade_method=""))
                | (Q(parent__isnull=False) & ~Q(cascade_method="")),
                name="kpi_cascade_method_iff_parent",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="kpi_name_not_blank"),
            models.CheckConstraint(
                condition=Q(hybrid_steps__isnull=True)
                | (Q(hybrid_steps__gte=1) & Q(hybrid_steps__lte=4)),
                name="kpi_hybrid_steps_1_4",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2500) & Q(fiscal_year__lte=2700),
                name="kpi_fiscal_year_be",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def thresholds(self) -> list:
        return [
            self.threshold_1,
            self.threshold_2,
            self.threshold_3,
            self.threshold_4,
            self.threshold_5,
        ]

    @property
    def level_texts(self) -> list[str]:
        return [self.criteria_1, self.criteria_2, self.criteria_3, self.criteria_4, self.criteria_5]

    @property
    def baseline(self) -> list:
        return [self.baseline_1, self.baseline_2, self.baseline_3]

    @property
    def target(self):
        """Level 3 is the target (ค่าเป้าหมาย)."""
        return self.threshold_3


class OsRole(models.TextChoices):
    OWNER = "O", _("O: ผู้รับผิดชอบหลัก")
    SUPPORTER = "S", _("S: ผู้สนับสนุน")


class KpiAssignment(ChoiceLabels, models.Model):
    """One cell of the OS matrix: a unit or a person is Owner or Supporter of a KPI."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=1, choices=OsRole.choices)
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("ผู้รับผิดชอบตัวชี้วัด (OS Matrix)")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(person__isnull=True))
                | (Q(unit__isnull=True) & Q(person__isnull=False)),
                name="assignment_unit_xor_person",
            ),
            models.UniqueConstraint(fields=["kpi", "unit"], name="assignment_unique_unit"),
            models.UniqueConstraint(fields=["kpi", "person"], name="assignment_unique_person"),
            models.UniqueConstraint(
                fields=["kpi"], condition=Q(role="O"), name="assignment_one_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id}:{self.role}:{self.unit_id or self.person_id}"


class KpiDelegate(models.Model):
    """A person the unit head lets edit the unit's KPIs (ผู้ได้รับมอบหมาย)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="kpi_delegates")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kpi_delegations")

    class Meta:
        verbose_name = _("ผู้ได้รับมอบหมายดูแลตัวชี้วัด")
        constraints = [
            models.UniqueConstraint(fields=["unit", "person"], name="kpidelegate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.unit}"


class KpiResult(models.Model):
    """An actual result recorded for a period; the level follows from the KPI's criteria."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="results")
    period_end = models.DateField(_("ข้อมูล ณ วันที่"))
    actual = models.DecimalField(
        _("ผลการดำเนินงาน"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    steps_done = models.PositiveSmallIntegerField(_("ขั้นตอนที่สำเร็จ"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("ระดับที่ได้"))
    evidence = models.TextField(_("หลักฐาน/คำอธิบาย"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ผลการดำเนินงานตามตัวชี้วัด")
        ordering = ["kpi", "-period_end", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=0) & Q(level__lte=5), name="result_level_0_5"
            ),
            models.CheckConstraint(
                condition=Q(steps_done__isnull=True) | Q(steps_done__lte=5), name="result_steps_0_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} @ {self.period_end}: {self.actual} → {self.level}"


@register_kinds
class KpiEvent(models.TextChoices):
    """What the audit trail records of KPIs (common.models.audit)."""

    CREATE = "kpi.create", _("สร้างตัวชี้วัด")
    UPDATE = "kpi.update", _("แก้ไขตัวชี้วัด")
    CASCADE = "kpi.cascade", _("ถ่ายทอดตัวชี้วัด")
    OS_MATRIX = "kpi.os_matrix", _("บันทึกตาราง OS Matrix")
    RESULT = "kpi.result", _("บันทึกผลตัวชี้วัด")
    DELEGATE_ADD = "kpi.delegate_add", _("มอบสิทธิ์แก้ไขตัวชี้วัด")
    DELEGATE_REMOVE = "kpi.delegate_remove", _("ยกเลิกสิทธิ์แก้ไขตัวชี้วัด")
