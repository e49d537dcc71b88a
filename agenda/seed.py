"""The Second Meeting between the United Nations and Regional Organizations (1996).

Facts from the press release announcing it (shared/seed), with its OCR errors
corrected. The press release gives no clock times and no rooms, so the programme
below is provisional and every session is marked so.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from delegations.models import (
    Delegation,
    Meeting,
    Official,
    Organization,
    Participant,
)

from .models import AgendaItem, Room, Session, SessionItem

MEETING_SLUG = "un-regional-organizations-1996"
TIME_ZONE = "America/New_York"

HE_MR = "H.E. Mr."


@dataclass(frozen=True)
class Person:
    honorific: str
    given_name: str
    family_name: str
    position: str
    country: str = ""


@dataclass(frozen=True)
class Org:
    name: str
    acronym: str
    kind: str
    headquarters: str
    head: Person
    representing: str = ""
    sort_name: str = ""
    # Place at the head of the table: 1 the Secretary-General, 2 and 3 the Presidents.
    presiding_order: int | None = None


REGIONAL = Organization.Kind.REGIONAL
UN = Organization.Kind.UN

UN_SECRETARIAT = Org(
    "United Nations Secretariat",
    "UN",
    UN,
    "New York",
    Person(HE_MR, "Boutros", "Boutros-Ghali", "Secretary-General of the United Nations"),
    presiding_order=1,
)

# The presiding officers and the thirteen regional organizations that took part.
PARTICIPANTS = [
    Org(
        "President of the General Assembly",
        "PGA",
        UN,
        "New York",
        Person(
            HE_MR,
            "Diogo",
            "Freitas do Amaral",
            "President of the fiftieth session of the General Assembly",
            "Portugal",
        ),
        presiding_order=2,
    ),
    Org(
        "President of the Security Council",
        "PSC",
        UN,
        "New York",
        Person(
            "H.E. Ms.",
            "Madeleine",
            "Albright",
            "President of the Security Council for February 1996",
            "United States",
        ),
        presiding_order=3,
    ),
    Org(
        "Association of South-East Asian Nations",
        "ASEAN",
        REGIONAL,
        "Jakarta",
        Person(HE_MR, "Ajit", "Singh", "Secretary-General"),
    ),
    Org(
        "Caribbean Community",
        "CARICOM",
        REGIONAL,
        "Georgetown",
        Person(HE_MR, "Edwin", "Carrington", "Secretary-General"),
    ),
    Org(
        "Commonwealth of Independent States",
        "CIS",
        REGIONAL,
        "Minsk",
        Person(HE_MR, "Ivan M.", "Korotchenya", "Executive Secretary"),
    ),
    Org(
        "Commonwealth Secretariat",
        "",
        REGIONAL,
        "London",
        Person("Chief", "Emeka", "Anyaoku", "Secretary-General"),
    ),
    Org(
        "Economic Community of West African States",
        "ECOWAS",
        REGIONAL,
        "Abuja",
        Person(HE_MR, "Edouard E.", "Benjamin", "Executive Secretary"),
    ),
    Org(
        "European Union",
        "EU",
        REGIONAL,
        "Brussels",
        Person(
            HE_MR,
            "Francesco Paolo",
            "Fulci",
            "Permanent Representative of Italy to the United Nations",
            "Italy",
        ),
        representing=(
            "The presidency of the European Union, with representatives of the European Commission"
        ),
    ),
    Org(
        "League of Arab States",
        "LAS",
        REGIONAL,
        "Cairo",
        Person(HE_MR, "Mowaffak", "Allaf", "Assistant Secretary-General"),
    ),
    Org(
        "North Atlantic Treaty Organization",
        "NATO",
        REGIONAL,
        "Brussels",
        Person(HE_MR, "Gebhardt", "von Moltke", "Assistant Secretary-General"),
    ),
    Org(
        "Organization for Security and Co-operation in Europe",
        "OSCE",
        REGIONAL,
        "Vienna",
        Person(HE_MR, "Wilhelm", "Höynck", "Secretary-General"),
    ),
    Org(
        "Organization of African Unity",
        "OAU",
        REGIONAL,
        "Addis Ababa",
        Person(HE_MR, "Salim Ahmed", "Salim", "Secretary-General"),
    ),
    Org(
        "Organization of American States",
        "OAS",
        REGIONAL,
        "Washington, D.C.",
        Person(HE_MR, "César", "Gaviria", "Secretary General"),
    ),
    Org(
        "Organization of the Islamic Conference",
        "OIC",
        REGIONAL,
        "Jeddah",
        Person(HE_MR, "Engin Ahmed", "Ansay", "Representing the Secretary-General"),
    ),
    Org(
        "Western European Union",
        "WEU",
        REGIONAL,
        "Brussels",
        Person(HE_MR, "José", "Cutileiro", "Secretary General"),
    ),
]

AGENDA = [
    (
        1,
        "Opening of the meeting",
        "Statements by the Secretary-General and the presiding officers.",
    ),
    (
        2,
        "Evolving patterns of cooperation",
        "Consultation, diplomatic support, operational support, co-deployment and joint "
        "operations between the United Nations and regional organizations.",
    ),
    (
        3,
        "Principles for improved cooperation",
        "Agreed mechanisms for consultation, the primacy of the United Nations, a clear "
        "division of labour, and consistency among Member States.",
    ),
    (
        4,
        "Peace-building",
        "Cooperation in preventive diplomacy and post-conflict peace-building.",
    ),
    (
        5,
        "Modalities for continuing dialogue",
        "How the United Nations and regional organizations keep the dialogue going.",
    ),
    (6, "Closing of the meeting", "Summary by the Chairman and closing statements."),
]

# (day index, start, end, kind, title, agenda item numbers)
PROGRAMME = [
    (0, "10:00", "11:00", Session.Kind.OPENING, "Opening of the meeting", [1]),
    (0, "11:00", "13:00", Session.Kind.WORKING, "Evolving patterns of cooperation", [2]),
    (0, "13:00", "15:00", Session.Kind.BREAK, "Lunch break", []),
    (0, "15:00", "18:00", Session.Kind.WORKING, "Principles for improved cooperation", [3]),
    (1, "10:00", "13:00", Session.Kind.WORKING, "Peace-building", [4]),
    (1, "13:00", "15:00", Session.Kind.BREAK, "Lunch break", []),
    (1, "15:00", "17:00", Session.Kind.WORKING, "Modalities for continuing dialogue", [5]),
    (1, "17:00", "18:00", Session.Kind.CLOSING, "Closing of the meeting", [6]),
]

# The languages of the translations below, in their order.
OTHER_LANGUAGES = ("fr", "es", "ru", "zh-hans", "ar")

# The organizations' official names in French, Spanish, Russian, Chinese and Arabic, as the
# United Nations writes them.
TRANSLATED_NAMES = {
    "United Nations Secretariat": (
        "Secrétariat de l'Organisation des Nations Unies",
        "Secretaría de las Naciones Unidas",
        "Секретариат Организации Объединенных Наций",
        "联合国秘书处",
        "الأمانة العامة للأمم المتحدة",
    ),
    "President of the General Assembly": (
        "Président de l'Assemblée générale",
        "Presidente de la Asamblea General",
        "Председатель Генеральной Ассамблеи",
        "大会主席",
        "رئيس الجمعية العامة",
    ),
    "President of the Security Council": (
        "Président du Conseil de sécurité",
        "Presidente del Consejo de Seguridad",
        "Председатель Совета Безопасности",
        "安全理事会主席",
        "رئيس مجلس الأمن",
    ),
    "Association of South-East Asian Nations": (
        "Association des nations de l'Asie du Sud-Est",
        "Asociación de Naciones de Asia Sudoriental",
        "Ассоциация государств Юго-Восточной Азии",
        "东南亚国家联盟",
        "رابطة أمم جنوب شرق آسيا",
    ),
    "Caribbean Community": (
        "Communauté des Caraïbes",
        "Comunidad del Caribe",
        "Карибское сообщество",
        "加勒比共同体",
        "الجماعة الكاريبية",
    ),
    "Commonwealth of Independent States": (
        "Communauté d'États indépendants",
        "Comunidad de Estados Independientes",
        "Содружество Независимых Государств",
        "独立国家联合体",
        "كومنولث الدول المستقلة",
    ),
    "Commonwealth Secretariat": (
        "Secrétariat du Commonwealth",
        "Secretaría del Commonwealth",
        "Секретариат Содружества",
        "英联邦秘书处",
        "أمانة الكومنولث",
    ),
    "Economic Community of West African States": (
        "Communauté économique des États de l'Afrique de l'Ouest",
        "Comunidad Económica de los Estados de África Occidental",
        "Экономическое сообщество западноафриканских государств",
        "西非国家经济共同体",
        "الجماعة الاقتصادية لدول غرب أفريقيا",
    ),
    "European Union": (
        "Union européenne",
        "Unión Europea",
        "Европейский союз",
        "欧洲联盟",
        "الاتحاد الأوروبي",
    ),
    "League of Arab States": (
        "Ligue des États arabes",
        "Liga de los Estados Árabes",
        "Лига арабских государств",
        "阿拉伯国家联盟",
        "جامعة الدول العربية",
    ),
    "North Atlantic Treaty Organization": (
        "Organisation du Traité de l'Atlantique Nord",
        "Organización del Tratado del Atlántico Norte",
        "Организация Североатлантического договора",
        "北大西洋公约组织",
        "منظمة حلف شمال الأطلسي",
    ),
    "Organization for Security and Co-operation in Europe": (
        "Organisation pour la sécurité et la coopération en Europe",
        "Organización para la Seguridad y la Cooperación en Europa",
        "Организация по безопасности и сотрудничеству в Европе",
        "欧洲安全与合作组织",
        "منظمة الأمن والتعاون في أوروبا",
    ),
    "Organization of African Unity": (
        "Organisation de l'unité africaine",
        "Organización de la Unidad Africana",
        "Организация африканского единства",
        "非洲统一组织",
        "منظمة الوحدة الأفريقية",
    ),
    "Organization of American States": (
        "Organisation des États américains",
        "Organización de los Estados Americanos",
        "Организация американских государств",
        "美洲国家组织",
        "منظمة الدول الأمريكية",
    ),
    "Organization of the Islamic Conference": (
        "Organisation de la Conférence islamique",
        "Organización de la Conferencia Islámica",
        "Организация Исламская конференция",
        "伊斯兰会议组织",
        "منظمة المؤتمر الإسلامي",
    ),
    "Western European Union": (
        "Union de l'Europe occidentale",
        "Unión Europea Occidental",
        "Западноевропейский союз",
        "西欧联盟",
        "اتحاد أوروبا الغربية",
    ),
}

# Everything else the 1996 meeting says, in French, Spanish, Russian, Chinese and Arabic,
# keyed by its English text, in the United Nations' terminology. Honorifics are written as
# each language writes them before a name (Chinese after it: see Official.full_name).
TRANSLATIONS = {
    # The meeting.
    (
        "Second Meeting between the United Nations and Regional Organizations on "
        "cooperation in peacemaking, peacekeeping and other fields"
    ): (
        "Deuxième réunion entre l'Organisation des Nations Unies et les organisations "
        "régionales sur la coopération dans les domaines du rétablissement de la paix, du "
        "maintien de la paix et dans d'autres domaines",
        "Segunda Reunión entre las Naciones Unidas y las Organizaciones Regionales sobre la "
        "cooperación en el establecimiento de la paz, el mantenimiento de la paz y otros "
        "ámbitos",
        "Второе совещание Организации Объединенных Наций и региональных организаций по "
        "вопросам сотрудничества в области миротворчества, поддержания мира и в других "
        "областях",
        "联合国与区域组织关于建立和平、维持和平及其他领域合作的第二次会议",
        "الاجتماع الثاني بين الأمم المتحدة والمنظمات الإقليمية بشأن التعاون في مجالات صنع "
        "السلام وحفظ السلام وغيرها من المجالات",
    ),
    "Second UN–Regional Organizations Meeting": (
        "Deuxième réunion ONU-organisations régionales",
        "Segunda Reunión Naciones Unidas-Organizaciones Regionales",
        "Второе совещание ООН и региональных организаций",
        "联合国与区域组织第二次会议",
        "الاجتماع الثاني بين الأمم المتحدة والمنظمات الإقليمية",
    ),
    (
        "Cooperation between the United Nations and regional organizations in "
        "peacemaking and peace-keeping, and with regard to preventive diplomacy and "
        "post-conflict peace-building."
    ): (
        "Coopération entre l'Organisation des Nations Unies et les organisations régionales "
        "dans les domaines du rétablissement et du maintien de la paix, ainsi qu'en matière "
        "de diplomatie préventive et de consolidation de la paix après les conflits.",
        "Cooperación entre las Naciones Unidas y las organizaciones regionales en el "
        "establecimiento y el mantenimiento de la paz, así como en la diplomacia preventiva "
        "y la consolidación de la paz después de los conflictos.",
        "Сотрудничество Организации Объединенных Наций и региональных организаций в "
        "области миротворчества и поддержания мира, а также превентивной дипломатии и "
        "постконфликтного миростроительства.",
        "联合国与区域组织在建立和平与维持和平方面以及在预防性外交和冲突后建设和平方面的合作。",
        "التعاون بين الأمم المتحدة والمنظمات الإقليمية في صنع السلام وحفظ السلام، وفي مجال "
        "الدبلوماسية الوقائية وبناء السلام بعد انتهاء النزاع.",
    ),
    "United Nations Headquarters": (
        "Siège de l'Organisation des Nations Unies",
        "Sede de las Naciones Unidas",
        "Центральные учреждения Организации Объединенных Наций",
        "联合国总部",
        "مقر الأمم المتحدة",
    ),
    "New York": ("New York", "Nueva York", "Нью-Йорк", "纽约", "نيويورك"),
    "United Nations Headquarters, New York": (
        "Siège de l'Organisation des Nations Unies, New York",
        "Sede de las Naciones Unidas, Nueva York",
        "Центральные учреждения Организации Объединенных Наций, Нью-Йорк",
        "纽约联合国总部",
        "مقر الأمم المتحدة، نيويورك",
    ),
    "Conference Room 4": (
        "Salle de conférence 4",
        "Sala de conferencias 4",
        "Зал заседаний 4",
        "第4会议室",
        "قاعة الاجتماعات 4",
    ),
    # Honorifics.
    "H.E. Mr.": ("S. E. M.", "Excmo. Sr.", "Г-н", "先生阁下", "سعادة السيد"),
    "H.E. Ms.": ("S. E. Mme", "Excma. Sra.", "Г-жа", "女士阁下", "سعادة السيدة"),
    "Chief": ("Chef", "Jefe", "Вождь", "酋长", "الزعيم"),
    # Positions.
    "Secretary-General of the United Nations": (
        "Secrétaire général de l'Organisation des Nations Unies",
        "Secretario General de las Naciones Unidas",
        "Генеральный секретарь Организации Объединенных Наций",
        "联合国秘书长",
        "الأمين العام للأمم المتحدة",
    ),
    "President of the fiftieth session of the General Assembly": (
        "Président de l'Assemblée générale à sa cinquantième session",
        "Presidente de la Asamblea General en su quincuagésimo período de sesiones",
        "Председатель Генеральной Ассамблеи на ее пятидесятой сессии",
        "大会第五十届会议主席",
        "رئيس الجمعية العامة في دورتها الخمسين",
    ),
    "President of the Security Council for February 1996": (
        "Présidente du Conseil de sécurité pour le mois de février 1996",
        "Presidenta del Consejo de Seguridad para el mes de febrero de 1996",
        "Председатель Совета Безопасности в феврале 1996 года",
        "1996年2月安全理事会主席",
        "رئيسة مجلس الأمن لشهر شباط/فبراير 1996",
    ),
    "Secretary-General": (
        "Secrétaire général",
        "Secretario General",
        "Генеральный секретарь",
        "秘书长",
        "الأمين العام",
    ),
    "Secretary General": (
        "Secrétaire général",
        "Secretario General",
        "Генеральный секретарь",
        "秘书长",
        "الأمين العام",
    ),
    "Assistant Secretary-General": (
        "Sous-Secrétaire général",
        "Subsecretario General",
        "Помощник Генерального секретаря",
        "助理秘书长",
        "الأمين العام المساعد",
    ),
    "Executive Secretary": (
        "Secrétaire exécutif",
        "Secretario Ejecutivo",
        "Исполнительный секретарь",
        "执行秘书",
        "الأمين التنفيذي",
    ),
    "Permanent Representative of Italy to the United Nations": (
        "Représentant permanent de l'Italie auprès de l'Organisation des Nations Unies",
        "Representante Permanente de Italia ante las Naciones Unidas",
        "Постоянный представитель Италии при Организации Объединенных Наций",
        "意大利常驻联合国代表",
        "الممثل الدائم لإيطاليا لدى الأمم المتحدة",
    ),
    "Representing the Secretary-General": (
        "Représentant du Secrétaire général",
        "Representante del Secretario General",
        "Представитель Генерального секретаря",
        "秘书长代表",
        "ممثل الأمين العام",
    ),
    # What a delegation represents.
    "The presidency of the European Union, with representatives of the European Commission": (
        "La présidence de l'Union européenne, avec des représentants de la Commission européenne",
        "La Presidencia de la Unión Europea, con representantes de la Comisión Europea",
        "Председательство в Европейском союзе вместе с представителями Европейской комиссии",
        "欧洲联盟主席国，以及欧洲联盟委员会的代表",
        "رئاسة الاتحاد الأوروبي، ومعها ممثلون عن المفوضية الأوروبية",
    ),
    # Agenda items and sessions.
    "Opening of the meeting": (
        "Ouverture de la réunion",
        "Apertura de la reunión",
        "Открытие совещания",
        "会议开幕",
        "افتتاح الاجتماع",
    ),
    "Statements by the Secretary-General and the presiding officers.": (
        "Déclarations du Secrétaire général et des Présidents de l'Assemblée générale et du "
        "Conseil de sécurité.",
        "Declaraciones del Secretario General y de los Presidentes de la Asamblea General y "
        "del Consejo de Seguridad.",
        "Заявления Генерального секретаря и Председателей Генеральной Ассамблеи и Совета "
        "Безопасности.",
        "秘书长以及大会主席和安全理事会主席发言。",
        "بيانات يدلي بها الأمين العام ورئيسا الجمعية العامة ومجلس الأمن.",
    ),
    "Evolving patterns of cooperation": (
        "Évolution des formes de coopération",
        "Evolución de las modalidades de cooperación",
        "Развивающиеся формы сотрудничества",
        "不断演变的合作模式",
        "أنماط التعاون المتطورة",
    ),
    (
        "Consultation, diplomatic support, operational support, co-deployment and joint "
        "operations between the United Nations and regional organizations."
    ): (
        "Consultations, appui diplomatique, appui opérationnel, déploiement conjoint et "
        "opérations conjointes entre l'Organisation des Nations Unies et les organisations "
        "régionales.",
        "Consultas, apoyo diplomático, apoyo operacional, despliegue conjunto y operaciones "
        "conjuntas entre las Naciones Unidas y las organizaciones regionales.",
        "Консультации, дипломатическая поддержка, оперативная поддержка, совместное "
        "развертывание и совместные операции Организации Объединенных Наций и региональных "
        "организаций.",
        "联合国与区域组织之间的协商、外交支助、行动支助、共同部署和联合行动。",
        "التشاور والدعم الدبلوماسي والدعم التنفيذي والنشر المشترك والعمليات المشتركة بين "
        "الأمم المتحدة والمنظمات الإقليمية.",
    ),
    "Principles for improved cooperation": (
        "Principes d'une coopération renforcée",
        "Principios para mejorar la cooperación",
        "Принципы улучшения сотрудничества",
        "改进合作的原则",
        "مبادئ تحسين التعاون",
    ),
    (
        "Agreed mechanisms for consultation, the primacy of the United Nations, a clear "
        "division of labour, and consistency among Member States."
    ): (
        "Mécanismes de consultation convenus, primauté de l'Organisation des Nations Unies, "
        "répartition claire des tâches et cohérence de l'action des États Membres.",
        "Mecanismos de consulta convenidos, primacía de las Naciones Unidas, clara división "
        "del trabajo y coherencia entre los Estados Miembros.",
        "Согласованные механизмы консультаций, главенствующая роль Организации Объединенных "
        "Наций, четкое разделение труда и последовательность действий государств-членов.",
        "商定的协商机制、联合国的首要地位、明确的分工以及会员国行动的一致性。",
        "آليات متفق عليها للتشاور، وأولوية الأمم المتحدة، وتقسيم واضح للعمل، واتساق مواقف "
        "الدول الأعضاء.",
    ),
    "Peace-building": (
        "Consolidation de la paix",
        "Consolidación de la paz",
        "Миростроительство",
        "建设和平",
        "بناء السلام",
    ),
    "Cooperation in preventive diplomacy and post-conflict peace-building.": (
        "Coopération en matière de diplomatie préventive et de consolidation de la paix après "
        "les conflits.",
        "Cooperación en la diplomacia preventiva y la consolidación de la paz después de los "
        "conflictos.",
        "Сотрудничество в области превентивной дипломатии и постконфликтного миростроительства.",
        "在预防性外交和冲突后建设和平方面的合作。",
        "التعاون في مجال الدبلوماسية الوقائية وبناء السلام بعد انتهاء النزاع.",
    ),
    "Modalities for continuing dialogue": (
        "Modalités de la poursuite du dialogue",
        "Modalidades para continuar el diálogo",
        "Механизмы продолжения диалога",
        "继续对话的方式",
        "طرائق مواصلة الحوار",
    ),
    "How the United Nations and regional organizations keep the dialogue going.": (
        "Comment l'Organisation des Nations Unies et les organisations régionales poursuivent "
        "leur dialogue.",
        "Cómo las Naciones Unidas y las organizaciones regionales mantienen el diálogo.",
        "Как Организация Объединенных Наций и региональные организации поддерживают диалог.",
        "联合国与区域组织如何保持对话。",
        "كيف تواصل الأمم المتحدة والمنظمات الإقليمية الحوار.",
    ),
    "Closing of the meeting": (
        "Clôture de la réunion",
        "Clausura de la reunión",
        "Закрытие совещания",
        "会议闭幕",
        "اختتام الاجتماع",
    ),
    "Summary by the Chairman and closing statements.": (
        "Résumé du Président et déclarations de clôture.",
        "Resumen del Presidente y declaraciones de clausura.",
        "Резюме Председателя и заключительные заявления.",
        "主席总结和闭幕发言。",
        "موجز يقدمه الرئيس وبيانات ختامية.",
    ),
    "Lunch break": (
        "Pause déjeuner",
        "Pausa para el almuerzo",
        "Обеденный перерыв",
        "午餐休息",
        "استراحة الغداء",
    ),
}

ROOM_NAME = "Conference Room 4"

# The delegates' background page, in Markdown (the secretariat edits it in the admin).
BACKGROUND = """\
Meetings between the United Nations and regional organizations are part of an effort begun
by the Secretary-General to strengthen the dialogue between them on preventive diplomacy,
peacemaking, peacekeeping and post-conflict peace-building.

## Chapter VIII of the Charter

The Charter of the United Nations provides for this cooperation in Chapter VIII, “Regional
Arrangements”. Article 52 reads, in part:

> “Nothing in the present Charter precludes the existence of regional arrangements or
> agencies for dealing with such matters relating to the maintenance of international peace
> and security as are appropriate for regional action, provided that such arrangements or
> agencies and their activities are consistent with the Purposes and Principles of the
> United Nations.”
>
> “The Security Council shall encourage the development of pacific settlement of local
> disputes through such regional arrangements or by such regional agencies either on the
> initiative of the states concerned or by reference from the Security Council.”

In January 1993 the Security Council, while reaffirming its own primary responsibility for
the maintenance of international peace and security, invited regional organizations and
arrangements to study how to strengthen their functions in this field and to coordinate
their efforts more closely with those of the United Nations. In resolution 48/42 the General
Assembly welcomed the Secretary-General's work on guidelines for cooperation between the
United Nations and regional organizations, a question the Assembly has also taken up in its
working groups on An Agenda for Peace.

## The first meeting, 1 August 1994

Ten regional organizations attended the first meeting, convened by the Secretary-General on
1 August 1994. It discussed three topics: areas of intervention, principles of action and
modalities for cooperation. Participants agreed that a flexible, pragmatic approach, case by
case, would serve better than a single model of cooperation. Some named the lack of
financial and other resources as the most serious obstacle to regional action for peace;
exchanging information on emerging crises early was seen as the key to closer coordination.

## Five forms of cooperation

In the Supplement to An Agenda for Peace, the Secretary-General described five forms that
cooperation between the United Nations and regional organizations on peace and security
takes:

1. **Consultation**, held regularly and in some cases under formal agreements, including
   annual meetings or reports to the General Assembly.
2. **Diplomatic support**, as between the United Nations and the OSCE in Georgia/Abkhazia
   and in Nagorno-Karabakh.
3. **Operational support**, as NATO gave UNPROFOR during the United Nations operations in
   Bosnia and Herzegovina.
4. **Co-deployment**, as with the CIS in Georgia and Tajikistan and with ECOWAS in Liberia.
5. **Joint operations**, as with the OAS in the human rights mission in Haiti.

In his 1995 annual report on the work of the Organization, the Secretary-General observed
that such cooperation eases the work of the Security Council by giving responsibility to the
States and organizations of the region concerned, and so helps to democratize international
relations.

## Four principles

The same Supplement set out four principles for such cooperation:

1. Agreed mechanisms for consultation should exist, though they need not be formal.
2. The primacy of the United Nations in maintaining international peace and security, as
   the Charter sets out, must be respected.
3. The division of labour must be clearly defined and agreed, to avoid overlap and
   institutional rivalry when the United Nations and a regional organization work on the
   same conflict.
4. Members of regional organizations that are also Member States of the United Nations
   should act consistently when dealing with a problem that concerns both organizations.
"""


def _organization(org):
    organization, _ = Organization.objects.get_or_create(
        name_en=org.name,
        defaults={
            "name": org.name,
            "acronym": org.acronym,
            "kind": org.kind,
            "headquarters": org.headquarters,
            "sort_name": org.sort_name,
            "presiding_order": org.presiding_order,
        },
    )
    return organization


def _official(organization, person):
    official, _ = Official.objects.get_or_create(
        organization=organization,
        given_name=person.given_name,
        family_name=person.family_name,
        defaults={
            "honorific": person.honorific,
            "position": person.position,
            "country": person.country,
        },
    )
    return official


def _column(field, language):
    return f"{field}_{language.replace('-', '_')}"


def _translate(instance, fields, table=TRANSLATIONS):
    """Fill ``instance``'s empty translations of ``fields`` from ``table``, for the fields
    whose English text is still the seed's own (an edited English text has no known
    translation); save those columns alone. Returns how many values were filled."""
    filled = []
    for field in fields:
        english = getattr(instance, _column(field, "en")) or ""
        translations = table.get(english.strip())
        if translations is None:
            continue
        for language, text in zip(OTHER_LANGUAGES, translations, strict=True):
            column = _column(field, language)
            if not (getattr(instance, column) or "").strip():
                setattr(instance, column, text)
                filled.append(column)
    if filled:
        instance.save(update_fields=filled)
    return len(filled)


def translate_meeting(meeting):
    """Fill every empty translation of the 1996 meeting's words: the meeting, its
    organizations, officials, delegations, participants, agenda items, sessions and
    rooms. A translation somebody typed is never replaced. Returns how many were filled."""
    filled = _translate(meeting, ["title", "short_title", "theme", "venue", "city"])
    officials = {meeting.convener_id} if meeting.convener_id else set()
    for delegation in meeting.delegations.select_related("organization"):
        filled += _translate(delegation.organization, ["name"], TRANSLATED_NAMES)
        filled += _translate(delegation, ["representing"])
        for participant in delegation.participants.all():
            filled += _translate(participant, ["representing"])
            officials.add(participant.official_id)
    if meeting.convener_id:
        filled += _translate(meeting.convener.organization, ["name"], TRANSLATED_NAMES)
    for official in Official.objects.filter(pk__in=officials):
        filled += _translate(official, ["honorific", "position"])
    for item in meeting.agenda_items.all():
        filled += _translate(item, ["title", "description"])
    rooms = set()
    for session in meeting.sessions.all():
        filled += _translate(session, ["title", "notes"])
        if session.room_id:
            rooms.add(session.room_id)
    for room in Room.objects.filter(pk__in=rooms):
        filled += _translate(room, ["name", "location"])
    return filled


@transaction.atomic
def load_meeting():
    """Load the 1996 meeting in its six languages; return it, whether it was created, and
    how many translations were filled.

    Idempotent: an existing meeting is not recreated, and only its empty translations are
    filled, so a second run, or a run after the secretariat has edited the data, changes
    nothing that is there. Organizations and officials already in the register are
    reused, never overwritten.
    """
    with translation.override("en"):
        # The English words go in the English columns whatever language is active.
        meeting = Meeting.objects.filter(slug=MEETING_SLUG).first()
        created = meeting is None
        if created:
            meeting = _create_meeting()
        return meeting, created, translate_meeting(meeting)


def seed_meeting():
    """Load the 1996 meeting (see ``load_meeting``); return it and whether it was created."""
    meeting, created, _filled = load_meeting()
    return meeting, created


def _create_meeting():
    tz = zoneinfo.ZoneInfo(TIME_ZONE)
    convener = _official(_organization(UN_SECRETARIAT), UN_SECRETARIAT.head)
    meeting = Meeting(
        title=(
            "Second Meeting between the United Nations and Regional Organizations on "
            "cooperation in peacemaking, peacekeeping and other fields"
        ),
        short_title="Second UN–Regional Organizations Meeting",
        slug=MEETING_SLUG,
        ordinal=2,
        theme=(
            "Cooperation between the United Nations and regional organizations in "
            "peacemaking and peace-keeping, and with regard to preventive diplomacy and "
            "post-conflict peace-building."
        ),
        convener=convener,
        venue="United Nations Headquarters",
        city="New York",
        start_date=datetime.date(1996, 2, 15),
        end_date=datetime.date(1996, 2, 16),
        time_zone=TIME_ZONE,
        # The press release gives no deadline; the secretariat sets one in the admin.
        registration_deadline=None,
        seats_per_delegation=5,
        paper=Meeting.Paper.LETTER,  # New York: US Letter.
        background=BACKGROUND,
        is_published=True,
        is_current=not Meeting.objects.filter(is_current=True).exists(),
    )
    meeting.full_clean()
    meeting.save()

    for number, org in enumerate(PARTICIPANTS, start=1):
        organization = _organization(org)
        head = _official(organization, org.head)
        delegation = Delegation.objects.create(
            meeting=meeting,
            organization=organization,
            status=Delegation.Status.ACCREDITED,
            representing=org.representing,
        )
        Participant.objects.create(
            delegation=delegation,
            official=head,
            role=Participant.Role.HEAD,
            representing=org.representing,
            status=Participant.Status.ACCREDITED,
            badge_number=f"96-{number:04d}",
        )

    items = {
        number: AgendaItem.objects.create(
            meeting=meeting, number=number, title=title, description=description
        )
        for number, title, description in AGENDA
    }
    room, _ = Room.objects.get_or_create(
        name_en=ROOM_NAME, defaults={"location": "United Nations Headquarters, New York"}
    )
    for day, start, end, kind, title, numbers in PROGRAMME:
        date = meeting.start_date + datetime.timedelta(days=day)
        session = Session(
            meeting=meeting,
            kind=kind,
            title=title,
            room=None if kind == Session.Kind.BREAK else room,
            starts_at=datetime.datetime.combine(date, datetime.time.fromisoformat(start), tz),
            ends_at=datetime.datetime.combine(date, datetime.time.fromisoformat(end), tz),
            chair=None if kind == Session.Kind.BREAK else convener,
            is_provisional=True,
        )
        session.full_clean()
        session.save()
        for order, number in enumerate(numbers, start=1):
            SessionItem.objects.create(session=session, agenda_item=items[number], order=order)
    return meeting
